/**
 * CypherValue ⇄ PackStream: graph entities and temporals become Bolt 5 structures; parameters
 * coming from a client become engine values (graph entities are not accepted as parameters).
 */
import { makeMap, type CypherValue, type NodeValue, type RelationshipValue } from "../values";
import { isStructure, PackStreamError, structure, type PackValue } from "./packstream";
import {
  civilOf,
  epochDayOf,
  localEpochSecond,
  localOfEpochSecond,
  nanoOfDay,
  timeOfNanoOfDay,
  zoneOffsetAt,
} from "./temporal-wire";

export const SIG = {
  node: 0x4e,
  relationship: 0x52,
  unboundRelationship: 0x72,
  path: 0x50,
  date: 0x44,
  time: 0x54,
  localTime: 0x74,
  dateTimeOffset: 0x49,
  dateTimeZone: 0x69,
  localDateTime: 0x64,
  duration: 0x45,
  point2d: 0x58,
  point3d: 0x59,
} as const;

/** Element ids look like Neo4j 5's (`4:<database>:<id>`) so tools that display them feel at home. */
const elementId = (id: bigint): string => `4:courses:${id}`;

function props(p: ReadonlyMap<string, CypherValue>): Map<string, PackValue> {
  const out = new Map<string, PackValue>();
  for (const [k, v] of p) out.set(k, toPack(v));
  return out;
}

const nodeStruct = (n: NodeValue): PackValue =>
  structure(SIG.node, [n.id, [...n.labels], props(n.properties), elementId(n.id)]);
const relStruct = (r: RelationshipValue): PackValue =>
  structure(SIG.relationship, [
    r.id,
    r.startId,
    r.endId,
    r.type,
    props(r.properties),
    elementId(r.id),
    elementId(r.startId),
    elementId(r.endId),
  ]);

export function toPack(v: CypherValue): PackValue {
  if (v === undefined) throw new Error("the engine produced an undefined value");
  if (
    v === null ||
    typeof v === "boolean" ||
    typeof v === "bigint" ||
    typeof v === "number" ||
    typeof v === "string"
  )
    return v;
  if (Array.isArray(v)) return v.map(toPack);
  switch (v.kind) {
    case "map":
      return props(v.entries);
    case "node":
      return nodeStruct(v);
    case "relationship":
      return relStruct(v);
    case "path": {
      // Bolt paths: unique nodes, unique unbound relationships, and an index sequence
      // (relationship index 1-based, negative when traversed against its direction).
      const nodeIndex = new Map<bigint, number>();
      const nodes: PackValue[] = [];
      const relIndex = new Map<bigint, number>();
      const rels: PackValue[] = [];
      const addNode = (n: NodeValue): number => {
        let i = nodeIndex.get(n.id);
        if (i === undefined) {
          i = nodes.length;
          nodeIndex.set(n.id, i);
          nodes.push(nodeStruct(n));
        }
        return i;
      };
      const first = v.nodes[0];
      if (first) addNode(first);
      const sequence: PackValue[] = [];
      v.relationships.forEach((r, i) => {
        const prev = v.nodes[i]!;
        const next = v.nodes[i + 1]!;
        let ri = relIndex.get(r.id);
        if (ri === undefined) {
          ri = rels.length + 1;
          relIndex.set(r.id, ri);
          rels.push(
            structure(SIG.unboundRelationship, [
              r.id,
              r.type,
              props(r.properties),
              elementId(r.id),
            ]),
          );
        }
        const forward = r.startId === prev.id && r.endId === next.id;
        sequence.push(BigInt(forward ? ri : -ri), BigInt(addNode(next)));
      });
      return structure(SIG.path, [nodes, rels, sequence]);
    }
    case "date":
      return structure(SIG.date, [epochDayOf(v.year, v.month, v.day)]);
    case "localtime":
      return structure(SIG.localTime, [nanoOfDay(v.hour, v.minute, v.second, v.nanosecond)]);
    case "time":
      return structure(SIG.time, [
        nanoOfDay(v.hour, v.minute, v.second, v.nanosecond),
        BigInt(v.offsetSeconds),
      ]);
    case "localdatetime":
      return structure(SIG.localDateTime, [localEpochSecond(v), BigInt(v.nanosecond)]);
    case "datetime": {
      const utc = localEpochSecond(v) - BigInt(v.offsetSeconds);
      return v.timezone
        ? structure(SIG.dateTimeZone, [utc, BigInt(v.nanosecond), v.timezone])
        : structure(SIG.dateTimeOffset, [utc, BigInt(v.nanosecond), BigInt(v.offsetSeconds)]);
    }
    case "duration":
      return structure(SIG.duration, [v.months, v.days, v.seconds, v.nanoseconds]);
    default:
      throw new Error(
        `cannot send a value of kind '${String((v as { kind?: unknown }).kind)}' over Bolt`,
      );
  }
}

const int = (v: PackValue | undefined, what: string): bigint => {
  if (typeof v !== "bigint") throw new PackStreamError(`${what} must be an integer`);
  return v;
};

/** A client-sent value → engine value; throws PackStreamError for shapes we cannot accept. */
export function fromPack(v: PackValue): CypherValue {
  if (
    v === null ||
    typeof v === "boolean" ||
    typeof v === "bigint" ||
    typeof v === "number" ||
    typeof v === "string"
  )
    return v;
  if (v instanceof Uint8Array)
    throw new PackStreamError("byte arrays are not supported as parameters");
  if (Array.isArray(v)) return v.map(fromPack);
  if (v instanceof Map) {
    const entries: [string, CypherValue][] = [];
    for (const [k, x] of v) entries.push([k, fromPack(x)]);
    return makeMap(entries);
  }
  if (!isStructure(v)) throw new PackStreamError("unsupported value");
  const f = v.fields;
  const arity = (n: number, name: string): void => {
    if (f.length !== n) throw new PackStreamError(`${name} structure must have ${n} fields`);
  };
  switch (v.signature) {
    case SIG.date: {
      arity(1, "Date");
      return { kind: "date", ...civilOf(int(f[0], "Date.days")) };
    }
    case SIG.localTime:
      arity(1, "LocalTime");
      return { kind: "localtime", ...timeOfNanoOfDay(int(f[0], "LocalTime.nanoseconds")) };
    case SIG.time:
      arity(2, "Time");
      return {
        kind: "time",
        ...timeOfNanoOfDay(int(f[0], "Time.nanoseconds")),
        offsetSeconds: Number(int(f[1], "Time.offset")),
      };
    case SIG.localDateTime: {
      arity(2, "LocalDateTime");
      return {
        kind: "localdatetime",
        ...localOfEpochSecond(int(f[0], "LocalDateTime.seconds"), nanos(f[1])),
      };
    }
    case SIG.dateTimeOffset: {
      arity(3, "DateTime");
      const offset = Number(int(f[2], "DateTime.offset"));
      return {
        kind: "datetime",
        ...localOfEpochSecond(int(f[0], "DateTime.seconds") + BigInt(offset), nanos(f[1])),
        offsetSeconds: offset,
      };
    }
    case SIG.dateTimeZone: {
      arity(3, "DateTimeZoneId");
      const zone = f[2];
      if (typeof zone !== "string")
        throw new PackStreamError("DateTimeZoneId.tz_id must be a string");
      const utc = int(f[0], "DateTimeZoneId.seconds");
      const offset = zoneOffsetAt(zone, utc);
      if (offset === null) throw new PackStreamError(`unknown time zone '${zone}'`);
      return {
        kind: "datetime",
        ...localOfEpochSecond(utc + BigInt(offset), nanos(f[1])),
        offsetSeconds: offset,
        timezone: zone,
      };
    }
    case SIG.duration:
      arity(4, "Duration");
      return {
        kind: "duration",
        months: int(f[0], "months"),
        days: int(f[1], "days"),
        seconds: int(f[2], "seconds"),
        nanoseconds: int(f[3], "nanoseconds"),
      };
    default:
      throw new PackStreamError(
        `structure 0x${v.signature.toString(16)} is not supported as a parameter`,
      );
  }
}

function nanos(v: PackValue | undefined): number {
  const n = int(v, "nanoseconds");
  if (n < 0n || n > 999_999_999n) throw new PackStreamError("nanoseconds out of range");
  return Number(n);
}
