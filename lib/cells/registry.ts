/**
 * The one place cell kinds are registered (for the browser). Adding a kind: a folder under
 * lib/cells with its descriptor, one line here, one line in `check-runners.ts` (Node only,
 * kept apart so no browser bundle reaches the checkers' node: imports).
 */
import type { CellKind, CellRuntime } from "@/lib/notebook/types";
import { cypherCell } from "./cypher/descriptor";
import type { CellKindDescriptor } from "./descriptor";
import { rustCell } from "./rust/descriptor";
import { tfjsCell } from "./tfjs/descriptor";

export const CELL_KINDS: Record<CellKind, CellKindDescriptor> = {
  tfjs: tfjsCell,
  cypher: cypherCell,
  rust: rustCell,
};

const runtimes = new Map<CellKind, Promise<CellRuntime>>();

/** The kind's runtime, loaded once; a failed chunk load may be retried. */
export function loadRuntime(kind: CellKind): Promise<CellRuntime> {
  let runtime = runtimes.get(kind);
  if (!runtime) {
    runtime = CELL_KINDS[kind].loadRuntime();
    runtime.catch(() => runtimes.delete(kind));
    runtimes.set(kind, runtime);
  }
  return runtime;
}
