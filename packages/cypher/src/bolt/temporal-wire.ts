import { isValidZone, offsetAtInstant } from "../timezone";

/**
 * Calendar arithmetic for the Bolt temporal structures (epoch days, nanos of day, UTC seconds)
 * in the proleptic Gregorian calendar, valid far outside the JavaScript Date range.
 */

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};
const floorMod = (a: bigint, b: bigint): bigint => a - floorDiv(a, b) * b;

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
export function epochDayOf(year: number, month: number, day: number): bigint {
  let y = BigInt(year);
  const m = BigInt(month);
  if (m <= 2n) y -= 1n;
  const era = floorDiv(y, 400n);
  const yoe = y - era * 400n;
  const mp = (m + 9n) % 12n;
  const doy = (153n * mp + 2n) / 5n + BigInt(day) - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}

export function civilOf(epochDay: bigint): { year: number; month: number; day: number } {
  const z = epochDay + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const day = doy - (153n * mp + 2n) / 5n + 1n;
  const month = mp < 10n ? mp + 3n : mp - 9n;
  const year = yoe + era * 400n + (month <= 2n ? 1n : 0n);
  return { year: Number(year), month: Number(month), day: Number(day) };
}

const NANOS_PER_SECOND = 1_000_000_000n;

export function nanoOfDay(
  hour: number,
  minute: number,
  second: number,
  nanosecond: number,
): bigint {
  return BigInt(hour * 3600 + minute * 60 + second) * NANOS_PER_SECOND + BigInt(nanosecond);
}

export function timeOfNanoOfDay(nod: bigint): {
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
} {
  const n = floorMod(nod, 86_400n * NANOS_PER_SECOND);
  const secs = Number(n / NANOS_PER_SECOND);
  return {
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
    nanosecond: Number(n % NANOS_PER_SECOND),
  };
}

export interface LocalDateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
}

/** Seconds since the epoch of a local date-time read as if it were UTC. */
export function localEpochSecond(v: LocalDateTimeParts): bigint {
  return (
    epochDayOf(v.year, v.month, v.day) * 86_400n + BigInt(v.hour * 3600 + v.minute * 60 + v.second)
  );
}

export function localOfEpochSecond(epochSecond: bigint, nanosecond: number): LocalDateTimeParts {
  const day = floorDiv(epochSecond, 86_400n);
  const secOfDay = Number(floorMod(epochSecond, 86_400n));
  return {
    ...civilOf(day),
    hour: Math.floor(secOfDay / 3600),
    minute: Math.floor((secOfDay % 3600) / 60),
    second: secOfDay % 60,
    nanosecond,
  };
}

/** The UTC offset (seconds) of an IANA zone at a UTC instant (the engine's tzdb via Intl); null for unknown zones. */
export function zoneOffsetAt(zone: string, utcEpochSecond: bigint): number | null {
  if (!isValidZone(zone)) return null;
  return offsetAtInstant(zone, Number(utcEpochSecond));
}
