import type {
  CypherValue,
  TemporalValue,
  DurationValue,
  DateValue,
  LocalTimeValue,
  TimeValue,
  LocalDateTimeValue,
  DateTimeValue,
  CypherMap,
} from "./values";
import { formatTemporal, isMap, isTemporal, typeName, formatOffset } from "./values";
import type { EvalCtx } from "./eval";
import { invalidArgs } from "./arith";
import { CypherError } from "./errors";
import {
  daysFromCivil,
  civilFromDays,
  daysInMonth,
  dayOfWeek,
  isoWeek1Monday,
  isoWeekOf,
  isLeapYear,
  weeksInWeekYear,
} from "./calendar";
import { canonicalZone, offsetAtInstant, offsetForLocal } from "./timezone";

const NS_PER_SEC = 1_000_000_000;
const NS_PER_DAY = 86400 * NS_PER_SEC;
const AVG_MONTH_SECONDS = 2629746; // 30.436875 days, as java.time / Neo4j
const BN = 1_000_000_000n;

const argErr = (msg: string): CypherError =>
  new CypherError("ArgumentError", "runtime", "InvalidArgumentValue", msg);
const typeErr = (msg: string): CypherError =>
  new CypherError("TypeError", "runtime", "InvalidArgumentType", msg);

// ---------------------------------------------------------------- internal representation

/** A wall-clock date-time: epoch day + nanosecond of day. */
interface Local {
  day: number;
  nod: number;
}
interface Zoned {
  local: Local;
  offset: number;
  zone?: string;
}

const localOfDate = (d: { year: number; month: number; day: number }): number =>
  daysFromCivil(d.year, d.month, d.day);
const nodOf = (t: { hour: number; minute: number; second: number; nanosecond: number }): number =>
  (t.hour * 3600 + t.minute * 60 + t.second) * NS_PER_SEC + t.nanosecond;

function timeFields(nod: number): {
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
} {
  const secs = Math.floor(nod / NS_PER_SEC);
  return {
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
    nanosecond: nod % NS_PER_SEC,
  };
}

function normLocal(day: number, nod: number): Local {
  const extra = Math.floor(nod / NS_PER_DAY);
  return { day: day + extra, nod: nod - extra * NS_PER_DAY };
}

const mkDate = (day: number): DateValue => ({ kind: "date", ...civilFromDays(day) });
const mkLocalTime = (nod: number): LocalTimeValue => ({ kind: "localtime", ...timeFields(nod) });
const mkTime = (nod: number, offset: number): TimeValue => ({
  kind: "time",
  ...timeFields(nod),
  offsetSeconds: offset,
});
const mkLdt = (l: Local): LocalDateTimeValue => ({
  kind: "localdatetime",
  ...civilFromDays(l.day),
  ...timeFields(l.nod),
});
function mkDt(z: Zoned): DateTimeValue {
  const v: DateTimeValue = {
    kind: "datetime",
    ...civilFromDays(z.local.day),
    ...timeFields(z.local.nod),
    offsetSeconds: z.offset,
  };
  if (z.zone) v.timezone = z.zone;
  return v;
}

/** Zoned value from a wall-clock time in a zone (named zones resolve their offset, gaps shift forward). */
function zonedFromLocal(local: Local, tz: { offset?: number; zone?: string }): Zoned {
  if (tz.zone) {
    const secs = local.day * 86400 + Math.floor(local.nod / NS_PER_SEC);
    const off = offsetForLocal(tz.zone, secs);
    const instant = secs - off;
    const realOff = offsetAtInstant(tz.zone, instant);
    const l =
      realOff === off ? local : normLocal(local.day, local.nod + (realOff - off) * NS_PER_SEC);
    return { local: l, offset: realOff, zone: tz.zone };
  }
  return { local, offset: tz.offset ?? 0 };
}

/** Same instant seen in another zone. */
function withZoneSameInstant(z: Zoned, tz: { offset?: number; zone?: string }): Zoned {
  const instantSecs = z.local.day * 86400 + Math.floor(z.local.nod / NS_PER_SEC) - z.offset;
  const off = tz.zone ? offsetAtInstant(tz.zone, instantSecs) : (tz.offset ?? 0);
  const l = normLocal(z.local.day, z.local.nod + (off - z.offset) * NS_PER_SEC);
  return tz.zone ? { local: l, offset: off, zone: tz.zone } : { local: l, offset: off };
}

function zonedOf(v: DateTimeValue): Zoned {
  return {
    local: { day: localOfDate(v), nod: nodOf(v) },
    offset: v.offsetSeconds,
    zone: v.timezone,
  };
}

// ---------------------------------------------------------------- time zones

function parseTimezone(s: string): { offset?: number; zone?: string } {
  const m = /^([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?$/.exec(s);
  if (s === "Z" || s === "z") return { offset: 0 };
  if (m) {
    const sign = m[1] === "-" ? -1 : 1;
    const h = Number(m[2]);
    const mi = Number(m[3] ?? 0);
    const se = Number(m[4] ?? 0);
    if (h > 18 || mi > 59 || se > 59) throw argErr(`Invalid time zone offset: '${s}'`);
    return { offset: sign * (h * 3600 + mi * 60 + se) };
  }
  const zone = canonicalZone(s);
  return { zone };
}

function defaultZone(): { offset: number } {
  return { offset: 0 };
}

// ---------------------------------------------------------------- field access helpers

function asNumber(v: CypherValue, what: string): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  throw typeErr(`${what} must be a number, got ${typeName(v)}`);
}
function asInt(v: CypherValue, what: string): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw typeErr(`${what} must be an integer, got ${typeName(v)}`);
}

function checkRange(v: number, lo: number, hi: number, what: string): number {
  if (v < lo || v > hi || !Number.isFinite(v))
    throw argErr(`Invalid value for ${what} (valid values ${lo} - ${hi}): ${v}`);
  return v;
}

const DATE_KEYS = [
  "year",
  "month",
  "day",
  "week",
  "dayofweek",
  "ordinalday",
  "quarter",
  "dayofquarter",
  "weekyear",
];
const TIME_KEYS = ["hour", "minute", "second", "millisecond", "microsecond", "nanosecond"];

function lowerMap(m: CypherMap): Map<string, CypherValue> {
  const out = new Map<string, CypherValue>();
  for (const [k, v] of m.entries) out.set(k.toLowerCase(), v);
  return out;
}

interface BaseParts {
  day?: number;
  nod?: number;
  offset?: number;
  zone?: string;
}

/** Date, time and zone of a temporal used as `date:`/`time:`/`datetime:` in a constructor map. */
function partsOf(v: TemporalValue): BaseParts {
  switch (v.kind) {
    case "date":
      return { day: localOfDate(v) };
    case "localtime":
      return { nod: nodOf(v) };
    case "time":
      return { nod: nodOf(v), offset: v.offsetSeconds };
    case "localdatetime":
      return { day: localOfDate(v), nod: nodOf(v) };
    case "datetime":
      return { day: localOfDate(v), nod: nodOf(v), offset: v.offsetSeconds, zone: v.timezone };
    case "duration":
      throw typeErr("Cannot select from a duration");
  }
}

function dateFromFields(
  m: Map<string, CypherValue>,
  baseDay: number | undefined,
): number | undefined {
  const has = (k: string): boolean => m.has(k) && m.get(k) !== null;
  const g = (k: string): number => asInt(m.get(k)!, k);
  const base = baseDay !== undefined ? civilFromDays(baseDay) : undefined;
  if (has("week")) {
    const bw = baseDay !== undefined ? isoWeekOf(baseDay) : undefined;
    const wy = has("year") ? g("year") : (bw?.weekYear ?? 0);
    const week = checkRange(g("week"), 1, weeksInWeekYear(wy), "Week");
    const dow = has("dayofweek")
      ? checkRange(g("dayofweek"), 1, 7, "DayOfWeek")
      : baseDay !== undefined
        ? dayOfWeek(baseDay)
        : 1;
    return isoWeek1Monday(wy) + (week - 1) * 7 + (dow - 1);
  }
  if (has("ordinalday")) {
    const y = has("year") ? g("year") : (base?.year ?? 0);
    const od = checkRange(g("ordinalday"), 1, isLeapYear(y) ? 366 : 365, "DayOfYear");
    return daysFromCivil(y, 1, 1) + od - 1;
  }
  if (has("quarter") || has("dayofquarter")) {
    const y = has("year") ? g("year") : (base?.year ?? 0);
    const bq = base ? Math.floor((base.month - 1) / 3) + 1 : 1;
    const q = has("quarter") ? checkRange(g("quarter"), 1, 4, "QuarterOfYear") : bq;
    const qStart = daysFromCivil(y, (q - 1) * 3 + 1, 1);
    const qLen = daysFromCivil(q === 4 ? y + 1 : y, q === 4 ? 1 : q * 3 + 1, 1) - qStart;
    const bdq =
      base && baseDay !== undefined
        ? baseDay - daysFromCivil(base.year, Math.floor((base.month - 1) / 3) * 3 + 1, 1) + 1
        : 1;
    const dq = has("dayofquarter") ? checkRange(g("dayofquarter"), 1, qLen, "DayOfQuarter") : bdq;
    return qStart + dq - 1;
  }
  if (has("year") || has("month") || has("day") || base) {
    if (!has("year") && !base) throw argErr("year must be specified");
    const y = has("year") ? g("year") : base!.year;
    const mo = has("month") ? checkRange(g("month"), 1, 12, "MonthOfYear") : (base?.month ?? 1);
    if (!has("month") && has("day") && !base) throw argErr("month must be specified when day is");
    const d = has("day")
      ? checkRange(g("day"), 1, daysInMonth(y, mo), "DayOfMonth")
      : Math.min(base?.day ?? 1, daysInMonth(y, mo));
    checkRange(y, -999999999, 999999999, "Year");
    return daysFromCivil(y, mo, d);
  }
  return undefined;
}

function timeFromFields(
  m: Map<string, CypherValue>,
  baseNod: number | undefined,
): number | undefined {
  const has = (k: string): boolean => m.has(k) && m.get(k) !== null;
  if (!TIME_KEYS.some(has) && baseNod === undefined) return undefined;
  const b =
    baseNod !== undefined ? timeFields(baseNod) : { hour: 0, minute: 0, second: 0, nanosecond: 0 };
  const g = (k: string): number => asInt(m.get(k)!, k);
  const hour = has("hour") ? checkRange(g("hour"), 0, 23, "HourOfDay") : b.hour;
  if (!has("hour") && baseNod === undefined && (has("minute") || has("second")))
    throw argErr("hour must be specified");
  const minute = has("minute")
    ? checkRange(g("minute"), 0, 59, "MinuteOfHour")
    : has("hour") && baseNod === undefined
      ? 0
      : b.minute;
  const second = has("second") ? checkRange(g("second"), 0, 59, "SecondOfMinute") : b.second;
  let ns = b.nanosecond;
  if (has("millisecond") || has("microsecond") || has("nanosecond")) {
    const ms = has("millisecond")
      ? checkRange(g("millisecond"), 0, 999, "MilliOfSecond")
      : has("microsecond") || has("nanosecond")
        ? 0
        : Math.floor(ns / 1e6);
    const us = has("microsecond")
      ? checkRange(g("microsecond"), 0, has("millisecond") ? 999 : 999999, "MicroOfSecond")
      : 0;
    const n = has("nanosecond")
      ? checkRange(
          g("nanosecond"),
          0,
          has("microsecond") ? 999 : has("millisecond") ? 999999 : 999999999,
          "NanoOfSecond",
        )
      : 0;
    ns = ms * 1_000_000 + us * 1000 + n;
  }
  return (hour * 3600 + minute * 60 + second) * NS_PER_SEC + ns;
}

type Kind = "date" | "localtime" | "time" | "localdatetime" | "datetime";

function fromMap(kind: Kind, map: CypherMap): TemporalValue {
  const m = lowerMap(map);
  for (const k of m.keys())
    if (
      !DATE_KEYS.includes(k) &&
      !TIME_KEYS.includes(k) &&
      !["timezone", "date", "time", "datetime", "epochseconds", "epochmillis"].includes(k)
    )
      throw argErr(`Unknown field: ${k}`);
  let tz: { offset?: number; zone?: string } | undefined;
  const tzv = m.get("timezone");
  if (tzv !== undefined && tzv !== null) {
    if (typeof tzv !== "string") throw typeErr("timezone must be a string");
    tz = parseTimezone(tzv);
  }
  // selection from other temporals
  let base: BaseParts = {};
  const sel = (key: string): TemporalValue | undefined => {
    const v = m.get(key);
    if (v === undefined || v === null) return undefined;
    if (!isTemporal(v)) throw typeErr(`${key} must be a temporal value`);
    return v;
  };
  const dtSel = sel("datetime");
  const dSel = sel("date");
  const tSel = sel("time");
  if (dtSel) base = partsOf(dtSel);
  if (dSel) {
    const p = partsOf(dSel);
    base = { ...base, day: p.day ?? base.day };
    if (p.day === undefined) throw typeErr("date must have a date component");
  }
  if (tSel) {
    const p = partsOf(tSel);
    if (p.nod === undefined) throw typeErr("time must have a time component");
    base = {
      ...base,
      nod: p.nod,
      offset: p.offset ?? base.offset,
      zone: p.offset !== undefined ? p.zone : base.zone,
    };
    if (p.offset === undefined && !dtSel) base = { ...base, offset: undefined, zone: undefined };
  }
  const day = kind === "localtime" || kind === "time" ? undefined : dateFromFields(m, base.day);
  let nod = kind === "date" ? undefined : timeFromFields(m, base.nod);
  let zoneSpec: { offset?: number; zone?: string } =
    tz ?? (base.offset !== undefined ? { offset: base.offset, zone: base.zone } : defaultZone());
  // fields apply in the selected value's own zone; a requested zone then moves the same instant there
  if (tz && base.offset !== undefined && base.nod !== undefined && nod !== undefined) {
    const src = base.zone ? { zone: base.zone } : { offset: base.offset };
    if (kind === "datetime" && day !== undefined) {
      const z = withZoneSameInstant(zonedFromLocal({ day, nod }, src), tz);
      return mkDt(z);
    }
    if (kind === "time") {
      const off = tz.zone ? offsetAtInstant(tz.zone, Date.now() / 1000) : tz.offset!;
      nod = (((nod + (off - base.offset) * NS_PER_SEC) % NS_PER_DAY) + NS_PER_DAY) % NS_PER_DAY;
      zoneSpec = { offset: off };
    }
  }
  switch (kind) {
    case "date":
      if (day === undefined) throw argErr("date requires year");
      return mkDate(day);
    case "localtime":
      if (nod === undefined) throw argErr("localtime requires hour");
      return mkLocalTime(nod);
    case "time": {
      if (nod === undefined) throw argErr("time requires hour");
      let off = zoneSpec.offset ?? 0;
      if (zoneSpec.zone) off = offsetAtInstant(zoneSpec.zone, Date.now() / 1000);
      return mkTime(nod, off);
    }
    case "localdatetime":
      if (day === undefined) throw argErr("localdatetime requires year");
      return mkLdt({ day, nod: nod ?? 0 });
    case "datetime": {
      if (m.has("epochseconds") || m.has("epochmillis")) {
        const secs = m.has("epochseconds") ? asNumber(m.get("epochseconds")!, "epochSeconds") : 0;
        const ms = m.has("epochmillis") ? asNumber(m.get("epochmillis")!, "epochMillis") : 0;
        const ns = m.has("nanosecond") ? asInt(m.get("nanosecond")!, "nanosecond") : 0;
        return fromEpoch(secs, ms * 1e6 + ns, zoneSpec);
      }
      if (day === undefined) throw argErr("datetime requires year");
      return mkDt(zonedFromLocal({ day, nod: nod ?? 0 }, zoneSpec));
    }
  }
}

function fromEpoch(
  secs: number,
  nanos: number,
  tz: { offset?: number; zone?: string } = { offset: 0 },
): DateTimeValue {
  if (!Number.isFinite(secs) || !Number.isFinite(nanos) || Math.abs(secs) > 3e16)
    throw argErr(`Epoch value out of range: ${secs}`);
  const totalNs = BigInt(Math.trunc(secs)) * BN + BigInt(Math.round(nanos));
  const daysB = totalNs / (86400n * BN) - (totalNs % (86400n * BN) < 0n ? 1n : 0n);
  const nod = Number(totalNs - daysB * 86400n * BN);
  const utc: Zoned = { local: { day: Number(daysB), nod }, offset: 0 };
  return mkDt(withZoneSameInstant(utc, tz));
}

// ---------------------------------------------------------------- parsing strings

function parseFraction(f: string | undefined): number {
  if (!f) return 0;
  return Number((f + "000000000").slice(0, 9));
}

function parseDateString(s: string): number {
  let m = /^([+-]?\d{4,9})-?W(\d{2})-?(\d)?$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const w = checkRange(Number(m[2]), 1, weeksInWeekYear(y), "Week");
    const d = m[3] ? checkRange(Number(m[3]), 1, 7, "DayOfWeek") : 1;
    return isoWeek1Monday(y) + (w - 1) * 7 + d - 1;
  }
  m = /^([+-]?\d{4,9})-(\d{3})$/.exec(s) ?? /^([+-]?\d{4})(\d{3})$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    return (
      daysFromCivil(y, 1, 1) +
      checkRange(Number(m[2]), 1, isLeapYear(y) ? 366 : 365, "DayOfYear") -
      1
    );
  }
  m =
    /^([+-]?\d{4,9})-(\d{1,2})(?:-(\d{1,2}))?$/.exec(s) ?? /^([+-]?\d{4})(\d{2})(\d{2})?$/.exec(s);
  if (m) {
    const y = Number(m[1]);
    const mo = checkRange(Number(m[2]), 1, 12, "MonthOfYear");
    const d = m[3] ? checkRange(Number(m[3]), 1, daysInMonth(y, mo), "DayOfMonth") : 1;
    return daysFromCivil(y, mo, d);
  }
  m = /^([+-]?\d{4,9})$/.exec(s);
  if (m) return daysFromCivil(Number(m[1]), 1, 1);
  throw argErr(`Text cannot be parsed to a Date: '${s}'`);
}

function parseTimeString(s: string): number {
  const m =
    /^(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/.exec(s) ??
    /^(\d{2})(?:(\d{2})(?:(\d{2})(?:[.,](\d{1,9}))?)?)?$/.exec(s);
  if (!m) throw argErr(`Text cannot be parsed to a Time: '${s}'`);
  const h = checkRange(Number(m[1]), 0, 23, "HourOfDay");
  const mi = checkRange(Number(m[2] ?? 0), 0, 59, "MinuteOfHour");
  const se = checkRange(Number(m[3] ?? 0), 0, 59, "SecondOfMinute");
  return (h * 3600 + mi * 60 + se) * NS_PER_SEC + parseFraction(m[4]);
}

/** Splits "time[offset][[zone]]" into its parts. */
function splitZone(s: string): { time: string; tz?: { offset?: number; zone?: string } } {
  let rest = s;
  let zone: string | undefined;
  const zm = /\[([^\]]+)\]$/.exec(rest);
  if (zm) {
    zone = zm[1];
    rest = rest.slice(0, zm.index);
  }
  const om = /(Z|z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)$/.exec(rest);
  let offset: number | undefined;
  if (om && om.index > 0) {
    offset = parseTimezone(om[1]!).offset;
    rest = rest.slice(0, om.index);
  }
  if (zone !== undefined) return { time: rest, tz: { zone: canonicalZone(zone), offset } };
  if (offset !== undefined) return { time: rest, tz: { offset } };
  return { time: rest };
}

function fromString(kind: Kind, s: string): TemporalValue {
  const text = s.trim();
  switch (kind) {
    case "date":
      return mkDate(parseDateString(text));
    case "localtime":
      return mkLocalTime(parseTimeString(text));
    case "time": {
      const { time, tz } = splitZone(text);
      const off = tz
        ? (tz.offset ?? (tz.zone ? offsetAtInstant(tz.zone, Date.now() / 1000) : 0))
        : 0;
      return mkTime(parseTimeString(time), off);
    }
    case "localdatetime": {
      const [d, t] = text.split("T");
      return mkLdt({ day: parseDateString(d!), nod: t !== undefined ? parseTimeString(t) : 0 });
    }
    case "datetime": {
      const i = text.indexOf("T");
      const d = i < 0 ? text : text.slice(0, i);
      const rest = i < 0 ? "" : text.slice(i + 1);
      const { time, tz } = splitZone(rest);
      const local = { day: parseDateString(d), nod: time ? parseTimeString(time) : 0 };
      if (tz?.zone && tz.offset !== undefined) {
        // an explicit offset with a zone: honour the zone, but the offset chooses within overlaps
        const z = zonedFromLocal(local, { zone: tz.zone });
        return mkDt(
          z.offset === tz.offset
            ? z
            : withZoneSameInstant({ local, offset: tz.offset }, { zone: tz.zone }),
        );
      }
      return mkDt(zonedFromLocal(local, tz ?? defaultZone()));
    }
  }
}

// ---------------------------------------------------------------- durations

/** Duration from fractional components, cascading fractions down (months → days → seconds) like Neo4j. */
function durationFromParts(
  months: number,
  days: number,
  seconds: number,
  nanos: number,
): DurationValue {
  if (
    ![months, days, seconds, nanos].every(Number.isFinite) ||
    Math.abs(months) > 1e17 ||
    Math.abs(days) > 1e17 ||
    Math.abs(seconds) > 1e17
  )
    throw new CypherError("ArithmeticError", "runtime", "IntegerOverflow", "Duration out of range");
  const wholeMonths = Math.trunc(months);
  const fracMonthSeconds = (months - wholeMonths) * AVG_MONTH_SECONDS;
  const extraDays = Math.trunc(fracMonthSeconds / 86400);
  const d = days + extraDays;
  const wholeDays = Math.trunc(d);
  const secsF = (d - wholeDays) * 86400 + (fracMonthSeconds - extraDays * 86400) + seconds;
  const wholeSecs = Math.trunc(secsF);
  const fracNs = (secsF - wholeSecs) * 1e9 + nanos;
  // truncate like Neo4j, tolerating binary floating-point noise just below a whole nanosecond
  const totalNs = BigInt(wholeSecs) * BN + BigInt(Math.trunc(fracNs + Math.sign(fracNs) * 1e-4));
  return normDuration(BigInt(wholeMonths), BigInt(wholeDays), totalNs);
}

function normDuration(months: bigint, days: bigint, totalNs: bigint): DurationValue {
  let seconds = totalNs / BN;
  let ns = totalNs % BN;
  if (ns < 0n) {
    ns += BN;
    seconds -= 1n;
  }
  return { kind: "duration", months, days, seconds, nanoseconds: ns };
}

const totalNsOf = (d: DurationValue): bigint => d.seconds * BN + d.nanoseconds;

function durationFromMap(map: CypherMap): DurationValue {
  const m = lowerMap(map);
  const keys = [
    "years",
    "quarters",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
    "microseconds",
    "nanoseconds",
  ];
  for (const k of m.keys()) if (!keys.includes(k)) throw argErr(`Unknown duration field: ${k}`);
  const g = (k: string): number => (m.has(k) && m.get(k) !== null ? asNumber(m.get(k)!, k) : 0);
  const allInt = [...m.values()].every((v) => typeof v === "bigint" || v === null);
  if (allInt) {
    const b = (k: string): bigint => (m.has(k) && m.get(k) !== null ? (m.get(k) as bigint) : 0n);
    const months = b("years") * 12n + b("quarters") * 3n + b("months");
    const days = b("weeks") * 7n + b("days");
    const ns =
      (b("hours") * 3600n + b("minutes") * 60n + b("seconds")) * BN +
      b("milliseconds") * 1_000_000n +
      b("microseconds") * 1000n +
      b("nanoseconds");
    return normDuration(months, days, ns);
  }
  const months = g("years") * 12 + g("quarters") * 3 + g("months");
  const days = g("weeks") * 7 + g("days");
  const secs = g("hours") * 3600 + g("minutes") * 60 + g("seconds");
  const nanos = g("milliseconds") * 1e6 + g("microseconds") * 1e3 + g("nanoseconds");
  return durationFromParts(months, days, secs, nanos);
}

function durationFromString(s: string): DurationValue {
  const t = s.trim();
  const alt =
    /^([-+]?)P(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:[.,](\d{1,9}))?$/.exec(t);
  if (alt) {
    const sign = alt[1] === "-" ? -1n : 1n;
    const months = BigInt(Number(alt[2]) * 12 + Number(alt[3]));
    const days = BigInt(Number(alt[4]));
    const ns =
      BigInt(Number(alt[5]) * 3600 + Number(alt[6]) * 60 + Number(alt[7])) * BN +
      BigInt(parseFraction(alt[8]));
    return normDuration(sign * months, sign * days, sign * ns);
  }
  const m =
    /^([-+]?)P(?:([-+]?[\d.,]+)Y)?(?:([-+]?[\d.,]+)M)?(?:([-+]?[\d.,]+)W)?(?:([-+]?[\d.,]+)D)?(?:T(?:([-+]?[\d.,]+)H)?(?:([-+]?[\d.,]+)M)?(?:([-+]?[\d.,]+)S)?)?$/i.exec(
      t,
    );
  if (!m || t.endsWith("T") || /^[-+]?P$/i.test(t))
    throw argErr(`Text cannot be parsed to a Duration: '${s}'`);
  const n = (x: string | undefined): number => (x ? Number(x.replace(",", ".")) : 0);
  const sign = m[1] === "-" ? -1 : 1;
  // whole-number seconds keep full precision through bigint
  const secText = m[8]?.replace(",", ".");
  let extraNs = 0;
  let secs = n(m[6]) * 3600 + n(m[7]) * 60;
  if (secText) {
    const [w, f] = secText.split(".");
    secs += Number(w);
    extraNs = parseFraction(f) * (secText.startsWith("-") ? -1 : 1);
  }
  const d = durationFromParts(
    sign * (n(m[2]) * 12 + n(m[3])),
    sign * (n(m[4]) * 7 + n(m[5])),
    sign * secs,
    sign * extraNs,
  );
  return d;
}

export function durationMul(d: DurationValue, n: bigint | number, op: string): CypherValue {
  if (typeof n === "bigint" && op === "*")
    return normDuration(d.months * n, d.days * n, totalNsOf(d) * n);
  const f = op === "*" ? Number(n) : 1 / Number(n);
  if (op === "/" && Number(n) === 0)
    throw new CypherError("ArithmeticError", "runtime", "DivisionByZero", "/ by zero");
  return durationFromParts(
    Number(d.months) * f,
    Number(d.days) * f,
    Number(d.seconds) * f,
    Number(d.nanoseconds) * f,
  );
}

// ---------------------------------------------------------------- arithmetic

function plusMonths(day: number, months: number): number {
  if (months === 0) return day;
  const c = civilFromDays(day);
  const total = c.year * 12 + (c.month - 1) + months;
  const y = Math.floor(total / 12);
  const mo = total - y * 12 + 1;
  return daysFromCivil(y, mo, Math.min(c.day, daysInMonth(y, mo)));
}

function addToLocal(l: Local, d: DurationValue, sign: 1 | -1): Local {
  const day = plusMonths(l.day, sign * Number(d.months)) + sign * Number(d.days);
  const ns = Number(totalNsOf(d)) * sign;
  return normLocal(day, l.nod + ns);
}

export function temporalAdd(a: TemporalValue, b: TemporalValue, sign: 1 | -1): CypherValue {
  if (a.kind === "duration" && b.kind === "duration")
    return normDuration(
      a.months + BigInt(sign) * b.months,
      a.days + BigInt(sign) * b.days,
      totalNsOf(a) + BigInt(sign) * totalNsOf(b),
    );
  if (b.kind === "duration" && a.kind !== "duration") return addDuration(a, b, sign);
  if (a.kind === "duration" && sign === 1 && b.kind !== "duration") return addDuration(b, a, 1);
  throw invalidArgs(sign === 1 ? "+" : "-", a, b);
}

function addDuration(
  t: Exclude<TemporalValue, DurationValue>,
  d: DurationValue,
  sign: 1 | -1,
): CypherValue {
  switch (t.kind) {
    case "date": {
      const days =
        plusMonths(localOfDate(t), sign * Number(d.months)) +
        sign * Number(d.days) +
        sign * Number(totalNsOf(d) / (86400n * BN));
      return mkDate(days);
    }
    case "localtime": {
      const nod =
        (((nodOf(t) + sign * Number(totalNsOf(d) % (86400n * BN))) % NS_PER_DAY) + NS_PER_DAY) %
        NS_PER_DAY;
      return mkLocalTime(nod);
    }
    case "time": {
      const nod =
        (((nodOf(t) + sign * Number(totalNsOf(d) % (86400n * BN))) % NS_PER_DAY) + NS_PER_DAY) %
        NS_PER_DAY;
      return mkTime(nod, t.offsetSeconds);
    }
    case "localdatetime":
      return mkLdt(addToLocal({ day: localOfDate(t), nod: nodOf(t) }, d, sign));
    case "datetime": {
      const z = zonedOf(t);
      // calendar part on the wall clock, exact part on the instant
      const day = plusMonths(z.local.day, sign * Number(d.months)) + sign * Number(d.days);
      const wall = zonedFromLocal(
        { day, nod: z.local.nod },
        z.zone ? { zone: z.zone } : { offset: z.offset },
      );
      const moved = normLocal(wall.local.day, wall.local.nod + sign * Number(totalNsOf(d)));
      if (!z.zone) return mkDt({ local: moved, offset: z.offset });
      const shifted = withZoneSameInstant({ local: moved, offset: wall.offset }, { zone: z.zone });
      return mkDt(shifted);
    }
  }
}

// ---------------------------------------------------------------- duration.between

interface Point {
  day?: number;
  nod?: number;
  offset?: number;
  zone?: string;
}

function pointOf(v: TemporalValue): Point {
  if (v.kind === "duration") throw typeErr("duration.between expects temporal instants");
  return partsOf(v);
}

function between(
  a: TemporalValue,
  b: TemporalValue,
  unit: "all" | "months" | "days" | "seconds",
): DurationValue {
  const pa = { ...pointOf(a) };
  const pb = { ...pointOf(b) };
  const bothOffsets = pa.offset !== undefined && pb.offset !== undefined;
  let timeOnly = false;
  if ((pa.day === undefined) !== (pb.day === undefined)) {
    // a time of day is read on the other value's date (in its zone), and only the time difference counts
    timeOnly = true;
    if (pa.day === undefined) pa.day = pb.day;
    else pb.day = pa.day;
    if (pa.nod === undefined) pa.nod = 0;
    if (pb.nod === undefined) pb.nod = 0;
  }
  if (pa.day === undefined || pb.day === undefined) {
    // time-of-day difference only
    let na = pa.nod ?? 0;
    let nb = pb.nod ?? 0;
    if (bothOffsets) {
      na -= pa.offset! * NS_PER_SEC;
      nb -= pb.offset! * NS_PER_SEC;
    }
    const diff = BigInt(nb - na);
    if (unit === "months" || unit === "days") return normDuration(0n, 0n, 0n);
    return normDuration(0n, 0n, diff);
  }
  // a local value is read in the other side's zone; months and days count on the wall clock of `a`'s zone,
  // the remaining time on the instant line (java.time's until semantics)
  const zoneA =
    pa.offset !== undefined && pa.nod !== undefined
      ? pa.zone
        ? { zone: pa.zone }
        : { offset: pa.offset }
      : undefined;
  const zoneB =
    pb.offset !== undefined && pb.nod !== undefined
      ? pb.zone
        ? { zone: pb.zone }
        : { offset: pb.offset }
      : undefined;
  const zone = zoneA ?? zoneB;
  const za: Zoned = zoneA
    ? { local: { day: pa.day, nod: pa.nod ?? 0 }, offset: pa.offset!, zone: pa.zone }
    : zone
      ? zonedFromLocal({ day: pa.day, nod: pa.nod ?? 0 }, zone)
      : { local: { day: pa.day, nod: pa.nod ?? 0 }, offset: 0 };
  let zb: Zoned = zoneB
    ? { local: { day: pb.day, nod: pb.nod ?? 0 }, offset: pb.offset!, zone: pb.zone }
    : zone
      ? zonedFromLocal({ day: pb.day, nod: pb.nod ?? 0 }, zone)
      : { local: { day: pb.day, nod: pb.nod ?? 0 }, offset: 0 };
  if (zone) zb = withZoneSameInstant(zb, zone);
  const instant = (z: Zoned): bigint =>
    (BigInt(z.local.day) * 86400n - BigInt(z.offset)) * BN + BigInt(z.local.nod);
  const resolve = (l: Local): Zoned => (zone ? zonedFromLocal(l, zone) : { local: l, offset: 0 });
  if (timeOnly)
    return unit === "months" || unit === "days"
      ? normDuration(0n, 0n, 0n)
      : normDuration(0n, 0n, instant(zb) - instant(za));
  if (unit === "seconds") return normDuration(0n, 0n, instant(zb) - instant(za));
  const la = za.local;
  const lb = zb.local;
  const cmp = (x: Local, y: Local): number => (x.day !== y.day ? x.day - y.day : x.nod - y.nod);
  let months = 0;
  if (unit === "all" || unit === "months") {
    const ca = civilFromDays(la.day);
    const cb = civilFromDays(lb.day);
    months = cb.year * 12 + cb.month - (ca.year * 12 + ca.month);
    if (months > 0 && cmp({ day: plusMonths(la.day, months), nod: la.nod }, lb) > 0) months--;
    else if (months < 0 && cmp({ day: plusMonths(la.day, months), nod: la.nod }, lb) < 0) months++;
    if (unit === "months") return normDuration(BigInt(months), 0n, 0n);
  }
  const l2: Local = { day: plusMonths(la.day, months), nod: la.nod };
  let days = lb.day - l2.day;
  if (days > 0 && cmp({ day: l2.day + days, nod: l2.nod }, lb) > 0) days--;
  else if (days < 0 && cmp({ day: l2.day + days, nod: l2.nod }, lb) < 0) days++;
  if (unit === "days") return normDuration(0n, BigInt(days), 0n);
  const z3 = resolve({ day: l2.day + days, nod: l2.nod });
  return normDuration(BigInt(months), BigInt(days), instant(zb) - instant(z3));
}

// ---------------------------------------------------------------- truncation

const UNITS = [
  "millennium",
  "century",
  "decade",
  "year",
  "weekyear",
  "quarter",
  "month",
  "week",
  "day",
  "hour",
  "minute",
  "second",
  "millisecond",
  "microsecond",
];

function truncate(
  kind: Kind,
  unitV: CypherValue,
  t: CypherValue,
  overrides: CypherValue | undefined,
): CypherValue {
  if (t === null) return null;
  if (typeof unitV !== "string") throw typeErr("truncate unit must be a string");
  const unit = unitV.toLowerCase();
  if (!UNITS.includes(unit)) throw argErr(`Unknown truncation unit: ${unitV}`);
  if (!isTemporal(t) || t.kind === "duration") throw typeErr("truncate expects a temporal value");
  const p = partsOf(t);
  let day = p.day;
  let nod = p.nod ?? 0;
  const dateUnits = [
    "millennium",
    "century",
    "decade",
    "year",
    "weekyear",
    "quarter",
    "month",
    "week",
    "day",
  ];
  if ((kind === "localtime" || kind === "time") && dateUnits.slice(0, -1).includes(unit))
    throw argErr(`Cannot truncate a time to ${unit}`);
  if (dateUnits.includes(unit) && day === undefined)
    throw argErr(`Cannot truncate to ${unit} without a date`);
  if (day !== undefined) {
    const c = civilFromDays(day);
    switch (unit) {
      case "millennium":
        day = daysFromCivil(Math.floor(c.year / 1000) * 1000, 1, 1);
        break;
      case "century":
        day = daysFromCivil(Math.floor(c.year / 100) * 100, 1, 1);
        break;
      case "decade":
        day = daysFromCivil(Math.floor(c.year / 10) * 10, 1, 1);
        break;
      case "year":
        day = daysFromCivil(c.year, 1, 1);
        break;
      case "weekyear":
        day = isoWeek1Monday(isoWeekOf(day).weekYear);
        break;
      case "quarter":
        day = daysFromCivil(c.year, Math.floor((c.month - 1) / 3) * 3 + 1, 1);
        break;
      case "month":
        day = daysFromCivil(c.year, c.month, 1);
        break;
      case "week":
        day = day - (dayOfWeek(day) - 1);
        break;
    }
  }
  const sec = NS_PER_SEC;
  switch (unit) {
    case "hour":
      nod = Math.floor(nod / (3600 * sec)) * 3600 * sec;
      break;
    case "minute":
      nod = Math.floor(nod / (60 * sec)) * 60 * sec;
      break;
    case "second":
      nod = Math.floor(nod / sec) * sec;
      break;
    case "millisecond":
      nod = Math.floor(nod / 1e6) * 1e6;
      break;
    case "microsecond":
      nod = Math.floor(nod / 1e3) * 1e3;
      break;
    default:
      if (dateUnits.includes(unit)) nod = 0;
  }
  // rebuild through the map constructor so that overrides apply
  const fields = new Map<string, CypherValue>();
  if (day !== undefined && kind !== "localtime" && kind !== "time") {
    const c = civilFromDays(day);
    fields.set("year", BigInt(c.year));
    fields.set("month", BigInt(c.month));
    fields.set("day", BigInt(c.day));
  }
  if (kind !== "date") {
    const tf = timeFields(nod);
    fields.set("hour", BigInt(tf.hour));
    fields.set("minute", BigInt(tf.minute));
    fields.set("second", BigInt(tf.second));
    // sub-second precision kept by the unit, so that overrides refine it (e.g. {nanosecond: 2} under millisecond)
    if (unit === "millisecond") fields.set("millisecond", BigInt(Math.floor(tf.nanosecond / 1e6)));
    else if (unit === "microsecond") {
      fields.set("millisecond", BigInt(Math.floor(tf.nanosecond / 1e6)));
      fields.set("microsecond", BigInt(Math.floor(tf.nanosecond / 1e3) % 1000));
    }
  }
  if ((kind === "datetime" || kind === "time") && (p.offset !== undefined || p.zone)) {
    fields.set("timezone", p.zone ?? formatOffset(p.offset!));
  }
  if (overrides !== undefined && overrides !== null) {
    if (!isMap(overrides)) throw typeErr("truncate overrides must be a map");
    for (const [k, v] of overrides.entries) {
      const lk = k.toLowerCase();
      if (lk === "dayofweek" && day !== undefined) {
        // adjust within the truncated week
        fields.delete("month");
        fields.delete("day");
        const w = isoWeekOf(day);
        fields.set("year", BigInt(w.weekYear));
        fields.set("week", BigInt(w.week));
      }
      fields.set(lk, v);
    }
  }
  return fromMap(kind, { kind: "map", entries: fields });
}

// ---------------------------------------------------------------- accessors

export function temporalProperty(v: TemporalValue, key: string): CypherValue {
  const k = key.toLowerCase();
  if (v.kind === "duration") return durationProperty(v, k, key);
  const p = partsOf(v);
  const B = (n: number): bigint => BigInt(n);
  if (p.day !== undefined) {
    const c = civilFromDays(p.day);
    switch (k) {
      case "year":
        return B(c.year);
      case "quarter":
        return B(Math.floor((c.month - 1) / 3) + 1);
      case "month":
        return B(c.month);
      case "week":
        return B(isoWeekOf(p.day).week);
      case "weekyear":
        return B(isoWeekOf(p.day).weekYear);
      case "day":
        return B(c.day);
      case "ordinalday":
        return B(p.day - daysFromCivil(c.year, 1, 1) + 1);
      case "weekday":
      case "dayofweek":
        return B(dayOfWeek(p.day));
      case "dayofquarter":
        return B(p.day - daysFromCivil(c.year, Math.floor((c.month - 1) / 3) * 3 + 1, 1) + 1);
    }
  }
  if (p.nod !== undefined) {
    const t = timeFields(p.nod);
    switch (k) {
      case "hour":
        return B(t.hour);
      case "minute":
        return B(t.minute);
      case "second":
        return B(t.second);
      case "millisecond":
        return B(Math.floor(t.nanosecond / 1e6));
      case "microsecond":
        return B(Math.floor(t.nanosecond / 1e3));
      case "nanosecond":
        return B(t.nanosecond);
    }
  }
  if (p.offset !== undefined) {
    switch (k) {
      case "timezone":
        return p.zone ?? formatOffset(p.offset).replace(/^Z$/, "Z");
      case "offset":
        return formatOffset(p.offset);
      case "offsetminutes":
        return B(Math.trunc(p.offset / 60));
      case "offsetseconds":
        return B(p.offset);
    }
    if (p.day !== undefined && p.nod !== undefined) {
      const epochNs = (BigInt(p.day) * 86400n - BigInt(p.offset)) * BN + BigInt(p.nod);
      if (k === "epochseconds") return epochNs / BN - (epochNs % BN < 0n ? 1n : 0n);
      if (k === "epochmillis") return epochNs / 1_000_000n - (epochNs % 1_000_000n < 0n ? 1n : 0n);
    }
  }
  throw new CypherError(
    "SyntaxError",
    "runtime",
    "InvalidArgumentType",
    `No such field: ${key} on ${typeName(v)}`,
  );
}

function durationProperty(d: DurationValue, k: string, key: string): CypherValue {
  const total = totalNsOf(d);
  // seconds-derived components share the sign of the whole seconds part (Java's Duration semantics)
  const secs = d.seconds;
  const nanoPart = d.nanoseconds;
  switch (k) {
    case "years":
      return d.months / 12n;
    case "quarters":
      return d.months / 3n;
    case "months":
      return d.months;
    case "weeks":
      return d.days / 7n;
    case "days":
      return d.days;
    case "hours":
      return secs / 3600n;
    case "minutes":
      return secs / 60n;
    case "seconds":
      return secs;
    case "milliseconds":
      return secs * 1000n + nanoPart / 1_000_000n;
    case "microseconds":
      return secs * 1_000_000n + nanoPart / 1000n;
    case "nanoseconds":
      return total;
    case "quartersofyear":
      return (d.months % 12n) / 3n;
    case "monthsofquarter":
      return d.months % 3n;
    case "monthsofyear":
      return d.months % 12n;
    case "daysofweek":
      return d.days % 7n;
    case "minutesofhour":
      return (secs / 60n) % 60n;
    case "secondsofminute":
      return secs % 60n;
    case "millisecondsofsecond":
      return nanoPart / 1_000_000n;
    case "microsecondsofsecond":
      return nanoPart / 1000n;
    case "nanosecondsofsecond":
      return nanoPart;
  }
  throw new CypherError(
    "SyntaxError",
    "runtime",
    "InvalidArgumentType",
    `No such field: ${key} on DURATION`,
  );
}

export function formatTemporalString(v: TemporalValue): string {
  return formatTemporal(v);
}

// ---------------------------------------------------------------- functions

type Fn = (args: CypherValue[], ctx: EvalCtx) => CypherValue;

function nowZoned(ctx: EvalCtx, tzArg: CypherValue | undefined): Zoned {
  const ms = ctx.now;
  const utc = fromEpoch(Math.floor(ms / 1000), (ms % 1000) * 1e6);
  let z = zonedOf(utc);
  if (tzArg !== undefined && tzArg !== null) {
    if (typeof tzArg !== "string") throw typeErr("timezone must be a string");
    z = withZoneSameInstant(z, parseTimezone(tzArg));
  }
  return z;
}

function constructor(kind: Kind): Fn {
  return ([a], ctx) => {
    if (a === undefined) {
      const z = nowZoned(ctx, undefined);
      return convertTo(kind, mkDt(z));
    }
    if (a === null) return null;
    if (typeof a === "string") return fromString(kind, a);
    if (isMap(a)) {
      const m = lowerMap(a);
      if (m.size === 1 && m.has("timezone"))
        return convertTo(kind, mkDt(nowZoned(ctx, m.get("timezone"))));
      return fromMap(kind, a);
    }
    if (isTemporal(a) && a.kind !== "duration") return convertTo(kind, a);
    throw typeErr(`${kind}() expects a string, map or temporal value, got ${typeName(a)}`);
  };
}

function convertTo(kind: Kind, v: Exclude<TemporalValue, DurationValue>): TemporalValue {
  const p = partsOf(v);
  switch (kind) {
    case "date":
      if (p.day === undefined) throw typeErr("Cannot convert a time to a date");
      return mkDate(p.day);
    case "localtime":
      if (p.nod === undefined) throw typeErr("Cannot convert a date to a time");
      return mkLocalTime(p.nod);
    case "time":
      if (p.nod === undefined) throw typeErr("Cannot convert a date to a time");
      return mkTime(p.nod, p.offset ?? 0);
    case "localdatetime":
      if (p.day === undefined) throw typeErr("Cannot convert a time to a localdatetime");
      return mkLdt({ day: p.day, nod: p.nod ?? 0 });
    case "datetime":
      if (p.day === undefined) throw typeErr("Cannot convert a time to a datetime");
      return mkDt(
        zonedFromLocal(
          { day: p.day, nod: p.nod ?? 0 },
          p.zone ? { zone: p.zone } : { offset: p.offset ?? 0 },
        ),
      );
  }
}

const clockFns = (kind: Kind): Record<string, Fn> => {
  const now: Fn = (args, ctx) =>
    args.length > 0 && args[0] === null ? null : convertTo(kind, mkDt(nowZoned(ctx, args[0])));
  return {
    [kind]: constructor(kind),
    [`${kind}.transaction`]: now,
    [`${kind}.statement`]: now,
    [`${kind}.realtime`]: now,
    [`${kind}.truncate`]: ([u, t, o]) => truncate(kind, u ?? null, t ?? null, o),
  };
};

function durationBetweenFn(unit: "all" | "months" | "days" | "seconds"): Fn {
  return ([a, b]) => {
    if (a === null || b === null || a === undefined || b === undefined) return null;
    if (!isTemporal(a) || !isTemporal(b)) throw typeErr("duration.between expects temporal values");
    return between(a, b, unit);
  };
}

export const TEMPORAL_FUNCTIONS: Record<string, Fn> = {
  ...clockFns("date"),
  ...clockFns("localtime"),
  ...clockFns("time"),
  ...clockFns("localdatetime"),
  ...clockFns("datetime"),
  "datetime.fromepoch": ([s, ns]) =>
    s === null || ns === null || s === undefined
      ? null
      : fromEpoch(asNumber(s, "seconds"), ns === undefined ? 0 : asNumber(ns, "nanoseconds")),
  "datetime.fromepochmillis": ([ms]) => {
    if (ms === null || ms === undefined) return null;
    const n = asNumber(ms, "milliseconds");
    return fromEpoch(Math.floor(n / 1000), (n - Math.floor(n / 1000) * 1000) * 1e6);
  },
  duration: ([a]) => {
    if (a === null || a === undefined) return null;
    if (typeof a === "string") return durationFromString(a);
    if (isMap(a)) return durationFromMap(a);
    if (isTemporal(a) && a.kind === "duration") return a;
    throw typeErr(`duration() expects a string or map, got ${typeName(a)}`);
  },
  "duration.between": durationBetweenFn("all"),
  "duration.inmonths": durationBetweenFn("months"),
  "duration.indays": durationBetweenFn("days"),
  "duration.inseconds": durationBetweenFn("seconds"),
};
