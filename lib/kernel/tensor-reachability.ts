/**
 * Counts the live tensors that the notebook's names still refer to (directly, in arrays and
 * objects, or inside models, layers and optimizers). Tensors alive but not reachable are
 * leaks: a run that adds to them gets a warning. A bounded walk — good enough for a hint.
 */
import type { Tf } from "./format";

const MAX_VISITS = 200_000;

function reachableTensorCount(tf: Tf, roots: Iterable<unknown>): number {
  const seen = new Set<object>();
  const tensors = new Set<number>();
  const stack: unknown[] = [...roots];
  let visits = 0;
  while (stack.length > 0 && visits < MAX_VISITS) {
    const v = stack.pop();
    visits += 1;
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof tf.Tensor) {
      if (!v.isDisposed) tensors.add(v.id);
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (Array.isArray(v)) {
      // Long arrays of numbers hold no tensors; skip them cheaply.
      if (v.length > 1000 && typeof v[0] !== "object") continue;
      for (const item of v) stack.push(item);
    } else if (v instanceof Map) {
      for (const [k, item] of v) stack.push(k, item);
    } else if (v instanceof Set) {
      for (const item of v) stack.push(item);
    } else {
      for (const key of Object.keys(v)) {
        try {
          stack.push((v as Record<string, unknown>)[key]);
        } catch {
          // a throwing getter: ignore
        }
      }
    }
  }
  return tensors.size;
}

/** Tensors alive in the engine that no notebook name refers to. */
export function unreachableTensorCount(tf: Tf, scope: object): number {
  const roots = Object.keys(scope).map((k) => (scope as Record<string, unknown>)[k]);
  return Math.max(0, tf.memory().numTensors - reachableTensorCount(tf, roots));
}
