import { CypherError } from "./errors";
import { daysFromCivil } from "./calendar";

/** IANA zone offsets through the standard Intl API (tzdb), cached per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(zone, f);
  }
  return f;
}

export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** Canonical spelling of a zone id (e.g. europe/stockholm → Europe/Stockholm). */
export function canonicalZone(zone: string): string {
  try {
    return formatter(zone).resolvedOptions().timeZone;
  } catch {
    throw new CypherError(
      "ArgumentError",
      "runtime",
      "InvalidArgumentValue",
      `Invalid time zone: '${zone}'`,
    );
  }
}

const MIN_MS = -8.64e15;
const MAX_MS = 8.64e15;

/** Offset in seconds of `zone` at the UTC instant epochSeconds. */
export function offsetAtInstant(zone: string, epochSeconds: number): number {
  const ms = Math.max(MIN_MS, Math.min(MAX_MS, epochSeconds * 1000));
  const parts = formatter(zone).formatToParts(new Date(Math.floor(ms / 1000) * 1000));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const era = parts.find((p) => p.type === "era")?.value ?? "AD";
  let year = get("year");
  if (era.startsWith("B")) year = 1 - year;
  const local =
    daysFromCivil(year, get("month"), get("day")) * 86400 +
    get("hour") * 3600 +
    get("minute") * 60 +
    get("second");
  return local - Math.floor(ms / 1000);
}

/**
 * Offset for a local wall-clock time: in overlaps the earlier offset, in gaps the offset before the
 * transition (the caller re-derives the wall time from the instant, which shifts it forward like java.time).
 */
export function offsetForLocal(zone: string, localSeconds: number): number {
  const before = offsetAtInstant(zone, localSeconds - 86400);
  const here = offsetAtInstant(zone, localSeconds);
  const after = offsetAtInstant(zone, localSeconds + 86400);
  const valid = [...new Set([before, here, after])].filter(
    (o) => offsetAtInstant(zone, localSeconds - o) === o,
  );
  if (valid.length === 0) return before;
  return Math.max(...valid);
}
