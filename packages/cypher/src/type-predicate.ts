/**
 * `x IS :: TYPE` (Neo4j 5.9 type predicate expressions). As in Neo4j, every type but NOTHING and
 * the `NOT NULL` forms contains null, and a list matches LIST<T> when each element matches T (so
 * the empty list is a LIST of anything).
 */
import type { CypherType } from "./ast";
import { isMap, isNode, isPath, isRelationship, isTemporal, type CypherValue } from "./values";

const TEMPORAL: Record<string, string> = {
  date: "DATE",
  localtime: "LOCAL TIME",
  time: "ZONED TIME",
  localdatetime: "LOCAL DATETIME",
  datetime: "ZONED DATETIME",
  duration: "DURATION",
};

/** The Neo4j type name of a non-null value. */
function valueTypeName(v: CypherValue): string {
  if (typeof v === "boolean") return "BOOLEAN";
  if (typeof v === "string") return "STRING";
  if (typeof v === "bigint") return "INTEGER";
  if (typeof v === "number") return "FLOAT";
  if (Array.isArray(v)) return "LIST";
  if (isNode(v)) return "NODE";
  if (isRelationship(v)) return "RELATIONSHIP";
  if (isPath(v)) return "PATH";
  if (isMap(v)) return "MAP";
  if (v !== null && isTemporal(v)) return TEMPORAL[v.kind] ?? "ANY";
  return "ANY";
}

const PROPERTY_SCALARS = new Set([
  "BOOLEAN",
  "STRING",
  "INTEGER",
  "FLOAT",
  "DATE",
  "LOCAL TIME",
  "ZONED TIME",
  "LOCAL DATETIME",
  "ZONED DATETIME",
  "DURATION",
  "POINT",
]);

export function typeMatches(v: CypherValue, t: CypherType): boolean {
  if (v === null)
    return (
      !t.notNull &&
      !(t.t === "simple" && t.name === "NOTHING") &&
      (t.t !== "union" || t.of.some((x) => typeMatches(null, x)))
    );
  switch (t.t) {
    case "union":
      return t.of.some((x) => typeMatches(v, x));
    case "list":
      return Array.isArray(v) && v.every((x) => typeMatches(x, t.of));
    case "simple": {
      if (t.name === "ANY") return true;
      if (t.name === "NOTHING" || t.name === "NULL") return false;
      const actual = valueTypeName(v);
      if (t.name === "PROPERTY VALUE") {
        if (PROPERTY_SCALARS.has(actual)) return true;
        // property lists hold one scalar type and no nulls
        if (!Array.isArray(v)) return false;
        const kinds = new Set(v.map((x) => (x === null ? "NULL" : valueTypeName(x))));
        return kinds.size <= 1 && [...kinds].every((k) => PROPERTY_SCALARS.has(k));
      }
      return actual === t.name;
    }
  }
}

/** How a type reads in messages and plans, e.g. `LIST<INTEGER NOT NULL>`. */
export function formatType(t: CypherType): string {
  const nn = t.notNull ? " NOT NULL" : "";
  if (t.t === "simple") return t.name + nn;
  if (t.t === "list") return `LIST<${formatType(t.of)}>${nn}`;
  return t.of.map(formatType).join(" | ");
}
