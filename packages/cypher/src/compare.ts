import type { CypherValue, TemporalValue } from "./values";
import { daysFromCivil } from "./calendar";

type Ternary = boolean | null;

function kind(v: CypherValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "bigint" || typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  if (Array.isArray(v)) return "list";
  return v.kind;
}

/** Numeric comparison of INTEGER/FLOAT without losing bigint precision. NaN → undefined. */
function compareNumbers(a: bigint | number, b: bigint | number): number | undefined {
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === "number") {
    const r = compareNumbers(b, a);
    return r === undefined ? undefined : -r;
  }
  const f = b as number;
  if (Number.isNaN(f)) return undefined;
  if (f === Infinity) return -1;
  if (f === -Infinity) return 1;
  const fl = Math.floor(f);
  const bi = BigInt(fl);
  if (a < bi) return -1;
  if (a > bi) return 1;
  return f > fl ? -1 : 0;
}

/** Instant-ish sort key for temporal values of the same kind: [primary, secondary]. */
function temporalKey(v: TemporalValue): [number, number] {
  switch (v.kind) {
    case "date":
      return [daysFromCivil(v.year, v.month, v.day), 0];
    case "localtime":
      return [v.hour * 3600 + v.minute * 60 + v.second, v.nanosecond];
    case "time":
      return [v.hour * 3600 + v.minute * 60 + v.second - v.offsetSeconds, v.nanosecond];
    case "localdatetime":
      return [
        daysFromCivil(v.year, v.month, v.day) * 86400 + v.hour * 3600 + v.minute * 60 + v.second,
        v.nanosecond,
      ];
    case "datetime":
      return [
        daysFromCivil(v.year, v.month, v.day) * 86400 +
          v.hour * 3600 +
          v.minute * 60 +
          v.second -
          v.offsetSeconds,
        v.nanosecond,
      ];
    case "duration":
      return [0, 0];
  }
}

function cmpKey(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : 0;
}

/** Cypher `=`: true, false or null (unknown). */
export function equalValues(a: CypherValue, b: CypherValue): Ternary {
  if (a === null || b === null) return null;
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb) return false;
  switch (ka) {
    case "number": {
      const c = compareNumbers(a as number | bigint, b as number | bigint);
      return c === 0;
    }
    case "boolean":
    case "string":
      return a === b;
    case "list": {
      const la = a as CypherValue[];
      const lb = b as CypherValue[];
      if (la.length !== lb.length) return false;
      let unknown = false;
      for (let i = 0; i < la.length; i++) {
        const e = equalValues(la[i]!, lb[i]!);
        if (e === false) return false;
        if (e === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case "map": {
      const ma = (a as { entries: ReadonlyMap<string, CypherValue> }).entries;
      const mb = (b as { entries: ReadonlyMap<string, CypherValue> }).entries;
      if (ma.size !== mb.size) return false;
      for (const k of ma.keys()) if (!mb.has(k)) return false;
      let unknown = false;
      for (const [k, va] of ma) {
        const e = equalValues(va, mb.get(k)!);
        if (e === false) return false;
        if (e === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case "node":
    case "relationship":
      return (a as { id: bigint }).id === (b as { id: bigint }).id;
    case "path": {
      const pa = a as { nodes: { id: bigint }[]; relationships: { id: bigint }[] };
      const pb = b as typeof pa;
      return (
        pa.nodes.length === pb.nodes.length &&
        pa.nodes.every((n, i) => n.id === pb.nodes[i]!.id) &&
        pa.relationships.every((r, i) => r.id === pb.relationships[i]!.id)
      );
    }
    case "duration": {
      const da = a as { months: bigint; days: bigint; seconds: bigint; nanoseconds: bigint };
      const db = b as typeof da;
      return (
        da.months === db.months &&
        da.days === db.days &&
        da.seconds === db.seconds &&
        da.nanoseconds === db.nanoseconds
      );
    }
    case "datetime": {
      const x = a as TemporalValue;
      const y = b as TemporalValue;
      return cmpKey(temporalKey(x), temporalKey(y)) === 0;
    }
    default: {
      const x = a as TemporalValue;
      const y = b as TemporalValue;
      return (
        cmpKey(temporalKey(x), temporalKey(y)) === 0 &&
        (x.kind !== "time" ||
          (x as { offsetSeconds: number }).offsetSeconds ===
            (y as { offsetSeconds: number }).offsetSeconds)
      );
    }
  }
}

/** Cypher `<` family: -1/0/1, or null when the values are not comparable. */
export function compareValues(a: CypherValue, b: CypherValue): number | null {
  if (a === null || b === null) return null;
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb) return null;
  switch (ka) {
    case "number":
      return compareNumbers(a as number, b as number) ?? null;
    case "string":
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    case "boolean":
      return a === b ? 0 : a ? 1 : -1;
    case "list": {
      const la = a as CypherValue[];
      const lb = b as CypherValue[];
      const n = Math.min(la.length, lb.length);
      for (let i = 0; i < n; i++) {
        const x = la[i]!;
        const y = lb[i]!;
        if (x === null || y === null) {
          if (x === null && y === null) continue;
          return null;
        }
        const c = compareValues(x, y);
        if (c === null) {
          // differing types: not comparable
          return null;
        }
        if (c !== 0) return c;
      }
      return la.length - lb.length < 0 ? -1 : la.length > lb.length ? 1 : 0;
    }
    case "date":
    case "localtime":
    case "time":
    case "localdatetime":
    case "datetime":
      return cmpKey(temporalKey(a as TemporalValue), temporalKey(b as TemporalValue));
    default:
      return null;
  }
}

const ORDER_RANK: Record<string, number> = {
  map: 0,
  node: 1,
  relationship: 2,
  list: 3,
  path: 4,
  datetime: 5,
  localdatetime: 6,
  date: 7,
  time: 8,
  localtime: 9,
  duration: 10,
  string: 11,
  boolean: 12,
  number: 13,
  null: 14,
};

/** Total order used by ORDER BY, DISTINCT-free sorting, min/max across types. */
export function orderValues(a: CypherValue, b: CypherValue): number {
  const ka = kind(a);
  const kb = kind(b);
  if (ka !== kb) return ORDER_RANK[ka]! - ORDER_RANK[kb]!;
  switch (ka) {
    case "null":
      return 0;
    case "number": {
      const x = a as number | bigint;
      const y = b as number | bigint;
      const nx = typeof x === "number" && Number.isNaN(x);
      const ny = typeof y === "number" && Number.isNaN(y);
      if (nx || ny) return nx && ny ? 0 : nx ? 1 : -1;
      return compareNumbers(x, y)!;
    }
    case "list": {
      const la = a as CypherValue[];
      const lb = b as CypherValue[];
      const n = Math.min(la.length, lb.length);
      for (let i = 0; i < n; i++) {
        const c = orderValues(la[i]!, lb[i]!);
        if (c !== 0) return c;
      }
      return la.length - lb.length;
    }
    case "map": {
      const ea = [...(a as { entries: ReadonlyMap<string, CypherValue> }).entries].sort((p, q) =>
        p[0] < q[0] ? -1 : 1,
      );
      const eb = [...(b as { entries: ReadonlyMap<string, CypherValue> }).entries].sort((p, q) =>
        p[0] < q[0] ? -1 : 1,
      );
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        if (ea[i]![0] !== eb[i]![0]) return ea[i]![0] < eb[i]![0] ? -1 : 1;
        const c = orderValues(ea[i]![1], eb[i]![1]);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    case "node":
    case "relationship": {
      const x = (a as { id: bigint }).id;
      const y = (b as { id: bigint }).id;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case "path": {
      const pa = a as { nodes: CypherValue[]; relationships: CypherValue[] };
      const pb = b as typeof pa;
      const c = orderValues(pa.nodes, pb.nodes);
      return c !== 0 ? c : orderValues(pa.relationships, pb.relationships);
    }
    case "duration": {
      const da = a as { months: bigint; days: bigint; seconds: bigint; nanoseconds: bigint };
      const db = b as typeof da;
      for (const f of ["months", "days", "seconds", "nanoseconds"] as const)
        if (da[f] !== db[f]) return da[f] < db[f] ? -1 : 1;
      return 0;
    }
    default: {
      const c = compareValues(a, b);
      if (c !== null && c !== 0) return c;
      if (ka === "time" || ka === "datetime") {
        const oa = (a as { offsetSeconds: number }).offsetSeconds;
        const ob = (b as { offsetSeconds: number }).offsetSeconds;
        return oa - ob;
      }
      return c ?? 0;
    }
  }
}
