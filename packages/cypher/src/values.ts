/**
 * The engine's value model. INTEGER is bigint (64-bit semantics enforced by the arithmetic),
 * FLOAT is number. Maps are a tagged wrapper so they cannot be confused with graph entities.
 */
export type CypherValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | CypherValue[]
  | CypherMap
  | NodeValue
  | RelationshipValue
  | PathValue
  | DateValue
  | LocalTimeValue
  | TimeValue
  | LocalDateTimeValue
  | DateTimeValue
  | DurationValue;

export interface CypherMap {
  readonly kind: "map";
  readonly entries: ReadonlyMap<string, CypherValue>;
}
export interface NodeValue {
  kind: "node";
  id: bigint;
  labels: string[];
  properties: Map<string, CypherValue>;
}
export interface RelationshipValue {
  kind: "relationship";
  id: bigint;
  type: string;
  startId: bigint;
  endId: bigint;
  properties: Map<string, CypherValue>;
}
/** nodes.length = relationships.length + 1, in traversal order */
export interface PathValue {
  kind: "path";
  nodes: NodeValue[];
  relationships: RelationshipValue[];
}
export interface DateValue {
  kind: "date";
  year: number;
  month: number;
  day: number;
}
export interface LocalTimeValue {
  kind: "localtime";
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
}
export interface TimeValue extends Omit<LocalTimeValue, "kind"> {
  kind: "time";
  offsetSeconds: number;
}
export interface LocalDateTimeValue {
  kind: "localdatetime";
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
}
/** timezone = IANA id when zoned */
export interface DateTimeValue extends Omit<LocalDateTimeValue, "kind"> {
  kind: "datetime";
  offsetSeconds: number;
  timezone?: string;
}
export interface DurationValue {
  kind: "duration";
  months: bigint;
  days: bigint;
  seconds: bigint;
  nanoseconds: bigint;
}

export type TemporalValue =
  DateValue | LocalTimeValue | TimeValue | LocalDateTimeValue | DateTimeValue | DurationValue;

type Tagged = Exclude<CypherValue, null | boolean | bigint | number | string | CypherValue[]>;

const kindOf = (v: CypherValue): string | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Tagged).kind : undefined;

export const isMap = (v: CypherValue): v is CypherMap => kindOf(v) === "map";
export const isNode = (v: CypherValue): v is NodeValue => kindOf(v) === "node";
export const isRelationship = (v: CypherValue): v is RelationshipValue =>
  kindOf(v) === "relationship";
export const isPath = (v: CypherValue): v is PathValue => kindOf(v) === "path";
const TEMPORAL_KINDS = new Set([
  "date",
  "localtime",
  "time",
  "localdatetime",
  "datetime",
  "duration",
]);
export const isTemporal = (v: CypherValue): v is TemporalValue =>
  TEMPORAL_KINDS.has(kindOf(v) ?? "");

export function makeMap(
  entries: Iterable<[string, CypherValue]> | Record<string, CypherValue>,
): CypherMap {
  const m =
    Symbol.iterator in Object(entries)
      ? new Map(entries as Iterable<[string, CypherValue]>)
      : new Map(Object.entries(entries));
  return { kind: "map", entries: m };
}

/** Cypher type name, as used in error messages. */
export function typeName(v: CypherValue): string {
  if (v === null) return "NULL";
  if (typeof v === "boolean") return "BOOLEAN";
  if (typeof v === "bigint") return "INTEGER";
  if (typeof v === "number") return "FLOAT";
  if (typeof v === "string") return "STRING";
  if (Array.isArray(v)) return "LIST";
  switch (v.kind) {
    case "map":
      return "MAP";
    case "node":
      return "NODE";
    case "relationship":
      return "RELATIONSHIP";
    case "path":
      return "PATH";
    case "date":
      return "DATE";
    case "localtime":
      return "LOCAL TIME";
    case "time":
      return "ZONED TIME";
    case "localdatetime":
      return "LOCAL DATETIME";
    case "datetime":
      return "ZONED DATETIME";
    case "duration":
      return "DURATION";
  }
}

// ---------------------------------------------------------------- formatting

const pad = (n: number, w = 2): string => {
  const s = String(Math.abs(n)).padStart(w, "0");
  return n < 0 ? "-" + s : s;
};

function formatYear(y: number): string {
  if (y >= 0 && y <= 9999) return pad(y, 4);
  return (y < 0 ? "-" : "+") + String(Math.abs(y)).padStart(4, "0");
}

function formatFraction(ns: number): string {
  if (ns === 0) return "";
  return "." + String(ns).padStart(9, "0").replace(/0+$/, "");
}

function formatTimeOfDay(h: number, m: number, s: number, ns: number): string {
  let out = `${pad(h)}:${pad(m)}`;
  if (s !== 0 || ns !== 0) out += `:${pad(s)}${formatFraction(ns)}`;
  return out;
}

export function formatOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return "Z";
  const sign = offsetSeconds < 0 ? "-" : "+";
  const a = Math.abs(offsetSeconds);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${sign}${pad(h)}:${pad(m)}${s ? ":" + pad(s) : ""}`;
}

function formatDate(v: { year: number; month: number; day: number }): string {
  return `${formatYear(v.year)}-${pad(v.month)}-${pad(v.day)}`;
}

function formatDuration(d: DurationValue): string {
  const months = d.months;
  const years = months / 12n;
  const mo = months % 12n;
  // seconds and nanoseconds are normalised so that they share a sign in output
  let total = d.seconds * 1_000_000_000n + d.nanoseconds;
  const neg = total < 0n;
  if (neg) total = -total;
  const secs = total / 1_000_000_000n;
  const ns = Number(total % 1_000_000_000n);
  const hours = secs / 3600n;
  const minutes = (secs % 3600n) / 60n;
  const s = secs % 60n;
  let out = "P";
  if (years !== 0n) out += `${years}Y`;
  if (mo !== 0n) out += `${mo}M`;
  if (d.days !== 0n) out += `${d.days}D`;
  let t = "";
  const sg = neg ? "-" : "";
  if (hours !== 0n) t += `${sg}${hours}H`;
  if (minutes !== 0n) t += `${sg}${minutes}M`;
  if (s !== 0n || ns !== 0) t += `${sg}${s}${formatFraction(ns)}S`;
  if (t) out += "T" + t;
  if (out === "P") out = "PT0S";
  return out;
}

export function formatTemporal(v: TemporalValue): string {
  switch (v.kind) {
    case "date":
      return formatDate(v);
    case "localtime":
      return formatTimeOfDay(v.hour, v.minute, v.second, v.nanosecond);
    case "time":
      return (
        formatTimeOfDay(v.hour, v.minute, v.second, v.nanosecond) + formatOffset(v.offsetSeconds)
      );
    case "localdatetime":
      return `${formatDate(v)}T${formatTimeOfDay(v.hour, v.minute, v.second, v.nanosecond)}`;
    case "datetime":
      return (
        `${formatDate(v)}T${formatTimeOfDay(v.hour, v.minute, v.second, v.nanosecond)}${formatOffset(v.offsetSeconds)}` +
        (v.timezone ? `[${v.timezone}]` : "")
      );
    case "duration":
      return formatDuration(v);
  }
}

/** FLOAT text like Java's Double.toString (Neo4j): 1.0, 0.001, 1.0E7, 1.2345E-5. */
export function formatFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (n === 0) return Object.is(n, -0) ? "-0.0" : "0.0";
  const a = Math.abs(n);
  if (a >= 1e-3 && a < 1e7) {
    const s = String(n);
    return s.includes(".") ? s : s + ".0";
  }
  const [mant, exp] = n.toExponential().split("e") as [string, string];
  return `${mant.includes(".") ? mant : mant + ".0"}E${exp.replace("+", "")}`;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const quoteKey = (k: string): string => (IDENT.test(k) ? k : "`" + k.replace(/`/g, "``") + "`");

function formatString(s: string): string {
  return "'" + s.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
}

function formatProps(p: ReadonlyMap<string, CypherValue>): string {
  if (p.size === 0) return "";
  return " {" + [...p].map(([k, v]) => `${quoteKey(k)}: ${formatValue(v)}`).join(", ") + "}";
}

function formatNode(n: NodeValue): string {
  const labels = n.labels.map((l) => ":" + quoteKey(l)).join("");
  const props = formatProps(n.properties);
  return "(" + labels + (labels ? props : props.trimStart()) + ")";
}
function formatRel(r: RelationshipValue): string {
  return "[:" + quoteKey(r.type) + formatProps(r.properties) + "]";
}

/** Neo4j/TCK-style text for a value: 'str', 1, 1.0, [1, 2], {a: 1}, (:L {p: 1}), [:T], <(...)-[...]->(...)>. */
export function formatValue(v: CypherValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return formatFloat(v);
  if (typeof v === "string") return formatString(v);
  if (Array.isArray(v)) return "[" + v.map(formatValue).join(", ") + "]";
  switch (v.kind) {
    case "map":
      return (
        "{" + [...v.entries].map(([k, x]) => `${quoteKey(k)}: ${formatValue(x)}`).join(", ") + "}"
      );
    case "node":
      return formatNode(v);
    case "relationship":
      return formatRel(v);
    case "path": {
      let out = "<" + formatNode(v.nodes[0]!);
      v.relationships.forEach((r, i) => {
        const prev = v.nodes[i]!;
        const next = v.nodes[i + 1]!;
        const forward = r.startId === prev.id && r.endId === next.id;
        out += (forward ? "-" : "<-") + formatRel(r) + (forward ? "->" : "-") + formatNode(next);
      });
      return out + ">";
    }
    default:
      return formatString(formatTemporal(v));
  }
}
