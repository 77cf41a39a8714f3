/**
 * THE rule for how a cell's outputs accumulate while it runs, used by the notebook reducer, the
 * worker's output batcher and the Node kernel, so that a cell shows the same thing however its
 * outputs were batched on the way.
 *
 * Text convention: every text output starts on a new line. A `console.log` emits one line
 * without a trailing newline; a process's captured stdout keeps its own newlines. Consecutive
 * text on the same stream becomes one output, with a newline put in only where the earlier text
 * does not already end with one. That join is associative, which is what makes batching
 * invisible: `merge(merge(a, b), c)` equals `merge(a, merge(b, c))`.
 *
 * A plot or progress output whose id is already shown replaces that output in place.
 */
import type { CellOutput } from "./types";

/** Joins two pieces of one text stream so that `next` starts on a new line. */
export function joinText(previous: string, next: string): string {
  if (previous === "" || next === "" || previous.endsWith("\n")) return previous + next;
  return `${previous}\n${next}`;
}

/** The id under which an output is updated in place, or null for outputs that only append. */
function liveKey(output: CellOutput): string | null {
  if (output.type === "plot") return `plot:${output.plotId}`;
  if (output.type === "progress") return `progress:${output.progressId}`;
  return null;
}

/** Adds `output` to `outputs` (not mutated) by the rule above. */
export function mergeOutput(outputs: readonly CellOutput[], output: CellOutput): CellOutput[] {
  const key = liveKey(output);
  if (key !== null) {
    const index = outputs.findIndex((o) => liveKey(o) === key);
    if (index !== -1) return outputs.map((o, i) => (i === index ? output : o));
  }
  const last = outputs.at(-1);
  if (output.type === "text" && last?.type === "text" && last.stream === output.stream) {
    return [...outputs.slice(0, -1), { ...last, text: joinText(last.text, output.text) }];
  }
  return [...outputs, output];
}

/** Merges a whole batch, in order. */
export function mergeOutputs(
  outputs: readonly CellOutput[],
  batch: readonly CellOutput[],
): CellOutput[] {
  let merged = [...outputs];
  for (const output of batch) merged = mergeOutput(merged, output);
  return merged;
}
