/**
 * Query results → the notebook's CellOutput items: a table with Neo4j-style formatted values,
 * and a graph (nodes and relationships found anywhere in the rows, deduplicated) for the
 * graph view. Everything produced is plain JSON so it crosses the server-action boundary.
 */
import {
  formatTemporal,
  formatValue,
  isNode,
  isPath,
  isRelationship,
  type CypherValue,
  type NodeValue,
  type RelationshipValue,
} from "@courses/cypher";
import type { CellOutput, GraphNode, GraphRelationship } from "@/lib/notebook/types";

type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A property value as JSON: integers as numbers when exact (else strings), temporals as ISO text. */
function toJsonValue(v: CypherValue): JsonValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "bigint")
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(toJsonValue);
  switch (v.kind) {
    case "map":
      return Object.fromEntries([...v.entries].map(([k, x]) => [k, toJsonValue(x)]));
    case "node":
      return {
        elementId: elementIdOf(v.id),
        labels: v.labels,
        properties: propsJson(v.properties),
      };
    case "relationship":
      return {
        elementId: elementIdOf(v.id),
        type: v.type,
        start: elementIdOf(v.startId),
        end: elementIdOf(v.endId),
        properties: propsJson(v.properties),
      };
    case "path":
      return { nodes: v.nodes.map(toJsonValue), relationships: v.relationships.map(toJsonValue) };
    default:
      return formatTemporal(v);
  }
}

const elementIdOf = (id: bigint): string => id.toString();
const propsJson = (p: ReadonlyMap<string, CypherValue>): Record<string, JsonValue> =>
  Object.fromEntries([...p].map(([k, x]) => [k, toJsonValue(x)]));

/** Table cell text, Neo4j Browser style: strings quoted, nodes as (:Label {props}). */
function formatCell(v: CypherValue): string {
  return formatValue(v);
}

function collectGraph(rows: CypherValue[][]): {
  nodes: GraphNode[];
  relationships: GraphRelationship[];
} {
  const nodes = new Map<bigint, GraphNode>();
  const rels = new Map<bigint, GraphRelationship>();
  const addNode = (n: NodeValue): void => {
    if (!nodes.has(n.id))
      nodes.set(n.id, {
        id: elementIdOf(n.id),
        labels: [...n.labels],
        properties: propsJson(n.properties),
      });
  };
  const addRel = (r: RelationshipValue): void => {
    if (!rels.has(r.id))
      rels.set(r.id, {
        id: elementIdOf(r.id),
        type: r.type,
        startId: elementIdOf(r.startId),
        endId: elementIdOf(r.endId),
        properties: propsJson(r.properties),
      });
  };
  const visit = (v: CypherValue): void => {
    if (v === null || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach(visit);
    if (isNode(v)) return addNode(v);
    if (isRelationship(v)) return addRel(v);
    if (isPath(v)) {
      v.nodes.forEach(addNode);
      v.relationships.forEach(addRel);
      return;
    }
    if (v.kind === "map") for (const x of v.entries.values()) visit(x);
  };
  rows.forEach((row) => row.forEach(visit));
  // A relationship whose end nodes were not returned cannot be drawn; keep it in the table only.
  const drawable = [...rels.values()].filter(
    (r) => nodes.has(BigInt(r.startId)) && nodes.has(BigInt(r.endId)),
  );
  return { nodes: [...nodes.values()], relationships: drawable };
}

/** Relationships found in rows, as graph-output relationships. */
export function collectGraphRelationships(rows: CypherValue[][]): GraphRelationship[] {
  const out: GraphRelationship[] = [];
  for (const row of rows)
    for (const v of row)
      if (v !== null && typeof v === "object" && !Array.isArray(v) && isRelationship(v))
        out.push({
          id: elementIdOf(v.id),
          type: v.type,
          startId: elementIdOf(v.startId),
          endId: elementIdOf(v.endId),
          properties: propsJson(v.properties),
        });
  return out;
}

export interface CollectedResult {
  columns: string[];
  rows: CypherValue[][];
  totalRows: number;
}

export function resultOutputs(result: CollectedResult, rowCap: number): CellOutput[] {
  const outputs: CellOutput[] = [];
  const shown = result.rows.length;
  const caption =
    result.totalRows > shown
      ? `Showing the first ${shown.toLocaleString("en-US")} of ${result.totalRows.toLocaleString("en-US")} rows (results are capped at ${rowCap.toLocaleString("en-US")} rows; add LIMIT or aggregate to see less).`
      : `${result.totalRows.toLocaleString("en-US")} ${result.totalRows === 1 ? "row" : "rows"}`;
  outputs.push({
    type: "table",
    columns: result.columns,
    rows: result.rows.map((r) => r.map(formatCell)),
    totalRows: result.totalRows,
    caption,
  });
  const graph = collectGraph(result.rows);
  if (graph.nodes.length > 0) outputs.push({ type: "graph", ...graph });
  return outputs;
}
