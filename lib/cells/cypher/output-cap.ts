/**
 * A byte cap on what one Cypher run sends back. The row cap alone let one anonymous request
 * return 40 MB (1,000 rows of 40 KB strings); this bounds the serialised outputs, shortening
 * long strings and then dropping rows and graph items past the budget, and tells the learner.
 */
import type { CellOutput, GraphNode, GraphRelationship } from "@/lib/notebook/types";

export const DEFAULT_MAX_OUTPUT_BYTES = 1_000_000;
/** Longest string kept whole in a table cell or a property; longer ones are shortened. */
export const MAX_VALUE_CHARS = 10_000;

const formatBytes = (bytes: number): string =>
  bytes >= 1_000_000
    ? `${+(bytes / 1_000_000).toFixed(1)} MB`
    : `${+(bytes / 1_000).toFixed(1)} KB`;

const bytesOf = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

/** Cuts at a code point boundary, never inside a surrogate pair. */
export function shorten(text: string, maxChars = MAX_VALUE_CHARS): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}… (${(text.length - end).toLocaleString("en-US")} more characters)`;
}

function shortenDeep(value: unknown, changed: { any: boolean }): unknown {
  if (typeof value === "string") {
    const short = shorten(value);
    if (short !== value) changed.any = true;
    return short;
  }
  if (Array.isArray(value)) return value.map((v) => shortenDeep(v, changed));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenDeep(v, changed)]));
  return value;
}

/** Takes items while they fit in the budget; returns them and the bytes they used. */
function takeWithin<T>(items: T[], budget: number): { kept: T[]; used: number } {
  const kept: T[] = [];
  let used = 0;
  for (const item of items) {
    const size = bytesOf(item) + 1;
    if (used + size > budget) break;
    kept.push(item);
    used += size;
  }
  return { kept, used };
}

export function capOutputs(
  outputs: CellOutput[],
  maxBytes = DEFAULT_MAX_OUTPUT_BYTES,
): CellOutput[] {
  const changed = { any: false };
  const shortened = outputs.map((o) => shortenDeep(o, changed) as CellOutput);
  if (!changed.any && bytesOf(shortened) <= maxBytes) return outputs;

  // Room for the table's and the graph's own fields and the note.
  let remaining = maxBytes - 4_096;
  const notes: string[] = [];
  if (changed.any)
    notes.push(
      `values longer than ${MAX_VALUE_CHARS.toLocaleString("en-US")} characters were shortened`,
    );
  const capped: CellOutput[] = [];
  for (const output of shortened) {
    if (output.type === "table") {
      const { kept, used } = takeWithin(output.rows, remaining);
      remaining -= used + bytesOf({ ...output, rows: [] });
      if (kept.length < output.rows.length)
        notes.push(`only the first ${kept.length.toLocaleString("en-US")} rows are shown`);
      capped.push({ ...output, rows: kept });
    } else if (output.type === "graph") {
      const nodes = takeWithin<GraphNode>(output.nodes, Math.max(0, remaining));
      remaining -= nodes.used;
      const ids = new Set(nodes.kept.map((n) => n.id));
      const drawable = output.relationships.filter((r) => ids.has(r.startId) && ids.has(r.endId));
      const relationships = takeWithin<GraphRelationship>(drawable, Math.max(0, remaining));
      remaining -= relationships.used;
      if (
        nodes.kept.length < output.nodes.length ||
        relationships.kept.length < output.relationships.length
      )
        notes.push("the graph shows only part of the result");
      if (nodes.kept.length > 0)
        capped.push({ type: "graph", nodes: nodes.kept, relationships: relationships.kept });
    } else {
      remaining -= bytesOf(output);
      capped.push(output);
    }
  }
  if (notes.length > 0 && bytesOf(shortened) > maxBytes)
    notes.unshift(`The result is larger than ${formatBytes(maxBytes)}`);
  const note = `${notes.join("; ")}. Return fewer rows (LIMIT) or shorter values to see everything.`;
  return [
    ...capped,
    { type: "text", stream: "info", text: note.charAt(0).toUpperCase() + note.slice(1) },
  ];
}
