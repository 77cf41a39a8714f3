/**
 * A cell's last outputs as this browser keeps them between visits (IndexedDB, through the
 * progress store): bounded per cell, plots kept as their data. Outputs are never sent to the
 * server; they are local to this browser.
 */
import { z } from "zod";
import { textTail, utf8Bytes } from "./output-bounds";
import type { CellOutput } from "./types";

/** Serialised size kept per cell. */
export const MAX_STORED_OUTPUT_BYTES = 256 * 1024;

export interface StoredOutputs {
  outputs: CellOutput[];
  /** When the run that produced them finished (ms since the epoch). */
  savedAt: number;
  /** Some outputs (or the start of a long text) did not fit and were left out. */
  trimmed: boolean;
}

const bytesOf = (value: unknown): number => utf8Bytes(JSON.stringify(value) ?? "");

/** The rows of `table` that fit in `budget` bytes, or null when not even its header does. */
function tableWithin(
  table: Extract<CellOutput, { type: "table" }>,
  budget: number,
): CellOutput | null {
  const empty = { ...table, rows: [], totalRows: table.totalRows ?? table.rows.length };
  let used = bytesOf(empty);
  if (used > budget) return null;
  const rows: unknown[][] = [];
  for (const row of table.rows) {
    const size = bytesOf(row) + 1;
    if (used + size > budget) break;
    rows.push(row);
    used += size;
  }
  return { ...empty, rows };
}

/**
 * What of `outputs` is kept: everything when it fits in `maxBytes`; otherwise outputs in order
 * while they fit, the end of a long text and the first rows of a big table in the space left,
 * and small outputs after a big one (an error at the end still shows).
 */
export function boundOutputsForStorage(
  outputs: readonly CellOutput[],
  maxBytes: number = MAX_STORED_OUTPUT_BYTES,
): { outputs: CellOutput[]; trimmed: boolean } {
  if (bytesOf(outputs) <= maxBytes) return { outputs: [...outputs], trimmed: false };
  const kept: CellOutput[] = [];
  let used = 2; // the array's brackets
  for (const output of outputs) {
    const size = bytesOf(output) + 1;
    if (used + size <= maxBytes) {
      kept.push(output);
      used += size;
      continue;
    }
    const budget = maxBytes - used - 1;
    let part: CellOutput | null = null;
    if (output.type === "text") {
      // The JSON escapes of the text count too: keep a tail, then shrink it until it fits.
      let tailBytes = budget - bytesOf({ ...output, text: "" });
      while (tailBytes > 0) {
        const candidate = { ...output, text: textTail(output.text, tailBytes).visible };
        if (bytesOf(candidate) <= budget) {
          part = candidate.text === "" ? null : candidate;
          break;
        }
        tailBytes = Math.floor(tailBytes * 0.8);
      }
    } else if (output.type === "table") {
      part = tableWithin(output, budget);
    }
    if (part) {
      kept.push(part);
      used += bytesOf(part) + 1;
    }
  }
  return { outputs: kept, trimmed: true };
}

const OUTPUT_TYPES = [
  "text",
  "table",
  "tensor",
  "plot",
  "progress",
  "graph",
  "error",
  "success",
  "plan",
] as const;

// IndexedDB is a boundary: a record from an older version of the app, or edited by hand, must
// not break the notebook. Each output is checked for its kind; this app wrote what follows.
const storedOutputsSchema = z.object({
  outputs: z.array(z.looseObject({ type: z.enum(OUTPUT_TYPES) })),
  savedAt: z.number(),
  trimmed: z.boolean(),
});

/** The stored record, or null when it is not one this version understands. */
export function parseStoredOutputs(value: unknown): StoredOutputs | null {
  const parsed = storedOutputsSchema.safeParse(value);
  if (!parsed.success) return null;
  return { ...parsed.data, outputs: parsed.data.outputs as unknown as CellOutput[] };
}

/** "From an earlier run (4 Dec, 17:52)": when the kept outputs were made, in local time. */
export function earlierRunLabel(savedAt: number, now: number = Date.now()): string {
  const then = new Date(savedAt);
  const sameDay = new Date(now).toDateString() === then.toDateString();
  const time = then.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  const when = sameDay
    ? `today, ${time}`
    : `${then.toLocaleDateString("en-GB", { day: "numeric", month: "short" })}, ${time}`;
  return `From an earlier run (${when})`;
}
