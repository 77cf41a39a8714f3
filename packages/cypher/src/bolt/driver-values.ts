/**
 * neo4j-driver values ⇄ engine values, for clients of the Bolt server inside this project (the
 * TCK's Bolt executor, runCypherCell's formatting). Works with integers as `Integer` objects or,
 * with `useBigInt`, as bigint.
 */
import neo4j, { type Node, type Path, type Relationship } from "neo4j-driver";
import { makeMap, type CypherValue, type NodeValue, type RelationshipValue } from "../values";

type IntLike = { toBigInt(): bigint } | bigint | number;

const big = (v: unknown): bigint => {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  if (neo4j.isInt(v)) return (v as { toBigInt(): bigint }).toBigInt();
  throw new TypeError(`expected an integer, got ${String(v)}`);
};
const num = (v: unknown): number => Number(big(v as IntLike));

function props(p: Record<string, unknown>): Map<string, CypherValue> {
  return new Map(Object.entries(p).map(([k, v]) => [k, fromDriverValue(v)]));
}

function node(n: Node): NodeValue {
  return {
    kind: "node",
    id: big(n.identity),
    labels: [...n.labels],
    properties: props(n.properties),
  };
}
function relationship(r: Relationship): RelationshipValue {
  return {
    kind: "relationship",
    id: big(r.identity),
    type: r.type,
    startId: big(r.start),
    endId: big(r.end),
    properties: props(r.properties),
  };
}

export function fromDriverValue(v: unknown): CypherValue {
  if (v === null || v === undefined) return null;
  if (
    typeof v === "boolean" ||
    typeof v === "string" ||
    typeof v === "bigint" ||
    typeof v === "number"
  )
    return v;
  if (neo4j.isInt(v)) return big(v);
  if (Array.isArray(v)) return v.map(fromDriverValue);
  if (neo4j.isNode(v)) return node(v);
  if (neo4j.isRelationship(v)) return relationship(v);
  if (neo4j.isPath(v)) {
    const p = v as Path;
    const nodes = [node(p.start)];
    const rels: RelationshipValue[] = [];
    for (const seg of p.segments) {
      rels.push(relationship(seg.relationship));
      nodes.push(node(seg.end));
    }
    return { kind: "path", nodes, relationships: rels };
  }
  if (neo4j.isDate(v))
    return { kind: "date", year: num(v.year), month: num(v.month), day: num(v.day) };
  if (neo4j.isLocalTime(v))
    return {
      kind: "localtime",
      hour: num(v.hour),
      minute: num(v.minute),
      second: num(v.second),
      nanosecond: num(v.nanosecond),
    };
  if (neo4j.isTime(v))
    return {
      kind: "time",
      hour: num(v.hour),
      minute: num(v.minute),
      second: num(v.second),
      nanosecond: num(v.nanosecond),
      offsetSeconds: num(v.timeZoneOffsetSeconds),
    };
  if (neo4j.isLocalDateTime(v))
    return {
      kind: "localdatetime",
      year: num(v.year),
      month: num(v.month),
      day: num(v.day),
      hour: num(v.hour),
      minute: num(v.minute),
      second: num(v.second),
      nanosecond: num(v.nanosecond),
    };
  if (neo4j.isDateTime(v)) {
    const out: CypherValue = {
      kind: "datetime",
      year: num(v.year),
      month: num(v.month),
      day: num(v.day),
      hour: num(v.hour),
      minute: num(v.minute),
      second: num(v.second),
      nanosecond: num(v.nanosecond),
      offsetSeconds: v.timeZoneOffsetSeconds === undefined ? 0 : num(v.timeZoneOffsetSeconds),
    };
    if (v.timeZoneId) out.timezone = v.timeZoneId;
    return out;
  }
  if (neo4j.isDuration(v))
    return {
      kind: "duration",
      months: big(v.months),
      days: big(v.days),
      seconds: big(v.seconds),
      nanoseconds: big(v.nanoseconds),
    };
  if (typeof v === "object")
    return makeMap(
      Object.entries(v as Record<string, unknown>).map(([k, x]): [string, CypherValue] => [
        k,
        fromDriverValue(x),
      ]),
    );
  throw new TypeError(`unsupported driver value ${String(v)}`);
}

/** Engine value → what the driver packs: bigint as INTEGER, number as FLOAT, temporals as driver types. */
export function toDriverValue(v: CypherValue): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "string" || typeof v === "number")
    return v;
  if (typeof v === "bigint") return neo4j.int(v.toString());
  if (Array.isArray(v)) return v.map(toDriverValue);
  switch (v.kind) {
    case "map":
      return Object.fromEntries([...v.entries].map(([k, x]) => [k, toDriverValue(x)]));
    case "date":
      return new neo4j.types.Date(v.year, v.month, v.day);
    case "localtime":
      return new neo4j.types.LocalTime(v.hour, v.minute, v.second, v.nanosecond);
    case "time":
      return new neo4j.types.Time(v.hour, v.minute, v.second, v.nanosecond, v.offsetSeconds);
    case "localdatetime":
      return new neo4j.types.LocalDateTime(
        v.year,
        v.month,
        v.day,
        v.hour,
        v.minute,
        v.second,
        v.nanosecond,
      );
    case "datetime":
      return new neo4j.types.DateTime(
        v.year,
        v.month,
        v.day,
        v.hour,
        v.minute,
        v.second,
        v.nanosecond,
        v.offsetSeconds,
        v.timezone ?? null,
      );
    case "duration":
      return new neo4j.types.Duration(
        neo4j.int(v.months.toString()),
        neo4j.int(v.days.toString()),
        neo4j.int(v.seconds.toString()),
        neo4j.int(v.nanoseconds.toString()),
      );
    case "node":
    case "relationship":
    case "path":
      throw new TypeError(`a ${v.kind} cannot be sent as a parameter`);
  }
}
