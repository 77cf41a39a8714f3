import { z } from "zod";
import { Graph, type GraphDelta } from "./graph";
import { schemaFromJson } from "./schema";
import { makeMap, type CypherValue } from "./values";

/** Tagged JSON for values: primitives stay JSON except integers ({i}), and floats that JSON cannot hold. */
type J = null | boolean | string | number | J[] | { [k: string]: J };

function valueToJson(v: CypherValue): J {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "bigint") return { i: v.toString() };
  if (typeof v === "number") return Number.isFinite(v) ? { f: v } : { f: String(v) };
  if (Array.isArray(v)) return { l: v.map(valueToJson) };
  if (v.kind === "map")
    return { m: Object.fromEntries([...v.entries].map(([k, x]) => [k, valueToJson(x)])) };
  if (v.kind === "duration")
    return {
      t: "duration",
      v: [v.months.toString(), v.days.toString(), v.seconds.toString(), v.nanoseconds.toString()],
    };
  if (v.kind === "node" || v.kind === "relationship" || v.kind === "path") return null; // never stored as properties
  return { t: v.kind, v: JSON.parse(JSON.stringify(v)) as J };
}

function valueFromJson(j: unknown): CypherValue {
  if (j === null || typeof j === "boolean" || typeof j === "string") return j;
  if (typeof j === "number") return j;
  if (Array.isArray(j)) return j.map(valueFromJson);
  const o = z.record(z.string(), z.unknown()).parse(j);
  if ("i" in o) return BigInt(z.string().parse(o.i));
  if ("f" in o) return typeof o.f === "string" ? Number(o.f) : z.number().parse(o.f);
  if ("l" in o) return z.array(z.unknown()).parse(o.l).map(valueFromJson);
  if ("m" in o)
    return makeMap(
      Object.entries(z.record(z.string(), z.unknown()).parse(o.m)).map(
        ([k, x]): [string, CypherValue] => [k, valueFromJson(x)],
      ),
    );
  if (o.t === "duration") {
    const [months, days, seconds, nanoseconds] = z
      .array(z.string())
      .length(4)
      .parse(o.v)
      .map((s) => BigInt(s));
    return {
      kind: "duration",
      months: months!,
      days: days!,
      seconds: seconds!,
      nanoseconds: nanoseconds!,
    };
  }
  return { ...(z.record(z.string(), z.unknown()).parse(o.v) as object) } as CypherValue;
}

const propsJson = (p: Map<string, CypherValue>): Record<string, J> =>
  Object.fromEntries([...p].map(([k, v]) => [k, valueToJson(v)]));
const propsFrom = (p: Record<string, unknown>): Map<string, CypherValue> =>
  new Map(Object.entries(p).map(([k, v]) => [k, valueFromJson(v)]));

const SnapshotSchema = z.object({
  version: z.literal(1),
  nextNodeId: z.string(),
  nextRelId: z.string(),
  nodes: z.array(
    z.object({
      id: z.string(),
      labels: z.array(z.string()),
      properties: z.record(z.string(), z.unknown()),
    }),
  ),
  relationships: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      start: z.string(),
      end: z.string(),
      properties: z.record(z.string(), z.unknown()),
    }),
  ),
  schema: z.unknown().optional(),
});

export function graphToSnapshot(g: Graph): unknown {
  return {
    version: 1,
    nextNodeId: g.nextNodeId.toString(),
    nextRelId: g.nextRelId.toString(),
    nodes: [...g.nodes.values()].map((n) => ({
      id: n.id.toString(),
      labels: n.labels,
      properties: propsJson(n.properties),
    })),
    relationships: [...g.rels.values()].map((r) => ({
      id: r.id.toString(),
      type: r.type,
      start: r.startId.toString(),
      end: r.endId.toString(),
      properties: propsJson(r.properties),
    })),
    schema: g.schema.indexes.length + g.schema.constraints.length > 0 ? g.schema : undefined,
  };
}

export function graphFromSnapshot(data: unknown): Graph {
  const s = SnapshotSchema.parse(data);
  const g = new Graph();
  if (s.schema !== undefined) g.schema = schemaFromJson(s.schema);
  for (const n of s.nodes) {
    g.nextNodeId = BigInt(n.id);
    g.createNode(n.labels, propsFrom(n.properties));
  }
  for (const r of s.relationships) {
    g.nextRelId = BigInt(r.id);
    g.createRel(r.type, BigInt(r.start), BigInt(r.end), propsFrom(r.properties));
  }
  g.nextNodeId = BigInt(s.nextNodeId);
  g.nextRelId = BigInt(s.nextRelId);
  return g;
}

const DeltaSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.string(),
      labels: z.array(z.string()),
      properties: z.record(z.string(), z.unknown()),
    }),
  ),
  rels: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      start: z.string(),
      end: z.string(),
      properties: z.record(z.string(), z.unknown()),
    }),
  ),
  deletedNodes: z.array(z.string()),
  deletedRels: z.array(z.string()),
  nextNodeId: z.string(),
  nextRelId: z.string(),
  schema: z.unknown().optional(),
});

/** A commit's delta as JSON (one line of the commit log). */
export function deltaToJson(d: GraphDelta): unknown {
  return {
    nodes: d.nodes.map((n) => ({
      id: n.id.toString(),
      labels: n.labels,
      properties: propsJson(n.properties),
    })),
    rels: d.rels.map((r) => ({
      id: r.id.toString(),
      type: r.type,
      start: r.startId.toString(),
      end: r.endId.toString(),
      properties: propsJson(r.properties),
    })),
    deletedNodes: d.deletedNodes.map(String),
    deletedRels: d.deletedRels.map(String),
    nextNodeId: d.nextNodeId.toString(),
    nextRelId: d.nextRelId.toString(),
    schema: d.schema,
  };
}

export function deltaFromJson(data: unknown): GraphDelta {
  const d = DeltaSchema.parse(data);
  return {
    nodes: d.nodes.map((n) => ({
      kind: "node",
      id: BigInt(n.id),
      labels: n.labels,
      properties: propsFrom(n.properties),
    })),
    rels: d.rels.map((r) => ({
      kind: "relationship",
      id: BigInt(r.id),
      type: r.type,
      startId: BigInt(r.start),
      endId: BigInt(r.end),
      properties: propsFrom(r.properties),
    })),
    deletedNodes: d.deletedNodes.map((x) => BigInt(x)),
    deletedRels: d.deletedRels.map((x) => BigInt(x)),
    nextNodeId: BigInt(d.nextNodeId),
    nextRelId: BigInt(d.nextRelId),
    ...(d.schema !== undefined ? { schema: schemaFromJson(d.schema) } : {}),
  };
}

/** The whole graph as one delta: how a new engine worker receives it (structured clone, no JSON). */
export function graphAsDelta(g: Graph): GraphDelta {
  return {
    nodes: [...g.nodes.values()],
    rels: [...g.rels.values()],
    deletedNodes: [],
    deletedRels: [],
    nextNodeId: g.nextNodeId,
    nextRelId: g.nextRelId,
    schema: g.schema,
  };
}
