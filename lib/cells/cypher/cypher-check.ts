/**
 * Cypher `check` cells. A check is a Cypher query that runs right after the exercise cell, in the
 * same (rolled-back) transaction, with the exercise's result bound as parameters:
 *   $rows    — list of maps, one per returned row, keyed by column name
 *              (nodes and relationships become their property maps; paths become
 *              {nodes: [...], relationships: [...]} of property maps)
 *   $columns — list of the exercise's column names
 * It must return a column `pass` (boolean) and may return `message` (string). The check passes
 * when it returns at least one row and every row has `pass = true`; otherwise the first failing
 * row's `message` (or a generic one) is shown. Because it runs in the same transaction, a check
 * can also MATCH on the graph to verify what a write exercise created.
 */
import type { CypherValue } from "@courses/cypher";
import type { CheckVerdict } from "@/lib/notebook/types";

export const DEFAULT_PASS_MESSAGE = "Check passed.";
export const MISCONFIGURED_CHECK_MESSAGE =
  "This check is misconfigured: its query must return a column named `pass` (e.g. `RETURN size($rows) = 3 AS pass`).";
export const DEFAULT_FAIL_MESSAGE =
  "Not quite: the result does not match what this exercise asks for yet.";

/** Decides a check from the rows the check query returned. Pure. */
export function evaluateCheckRows(columns: string[], rows: CypherValue[][]): CheckVerdict {
  const passAt = columns.indexOf("pass");
  const messageAt = columns.indexOf("message");
  if (passAt < 0)
    return {
      passed: false,
      message: MISCONFIGURED_CHECK_MESSAGE,
    };
  if (rows.length === 0) return { passed: false, message: DEFAULT_FAIL_MESSAGE };
  const messageOf = (row: CypherValue[]): string | undefined => {
    const m = messageAt >= 0 ? row[messageAt] : undefined;
    return typeof m === "string" && m.trim() ? m : undefined;
  };
  for (const row of rows) {
    if (row[passAt] !== true)
      return { passed: false, message: messageOf(row) ?? DEFAULT_FAIL_MESSAGE };
  }
  return { passed: true, message: messageOf(rows[0]!) ?? DEFAULT_PASS_MESSAGE };
}

/** Graph entities cannot be query parameters; a check sees their properties instead. */
function rowValueForCheck(v: CypherValue): CypherValue {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(rowValueForCheck);
  switch (v.kind) {
    case "map":
      return {
        kind: "map",
        entries: new Map([...v.entries].map(([k, x]) => [k, rowValueForCheck(x)])),
      };
    case "node":
    case "relationship":
      return {
        kind: "map",
        entries: new Map([...v.properties].map(([k, x]) => [k, rowValueForCheck(x)])),
      };
    case "path":
      return {
        kind: "map",
        entries: new Map<string, CypherValue>([
          ["nodes", v.nodes.map(rowValueForCheck)],
          ["relationships", v.relationships.map(rowValueForCheck)],
        ]),
      };
    default:
      return v;
  }
}

export function checkParameters(
  columns: string[],
  rows: CypherValue[][],
): { rows: CypherValue; columns: CypherValue } {
  return {
    columns: [...columns],
    rows: rows.map((row) => ({
      kind: "map",
      entries: new Map(columns.map((c, i) => [c, rowValueForCheck(row[i] ?? null)])),
    })),
  };
}
