/**
 * The one place cell kinds are registered (for the browser). Adding a kind: a folder under
 * lib/cells with its descriptor, one line here, one line in `check-runners.ts` (Node only,
 * kept apart so no browser bundle reaches the checkers' node: imports).
 */
import type { CellKind, CellRuntime, Unavailable } from "@/lib/notebook/types";
import { cypherCell } from "./cypher/descriptor";
import type { CellKindDescriptor } from "./descriptor";
import { rustCell } from "./rust/descriptor";
import { tfjsCell } from "./tfjs/descriptor";

export const CELL_KINDS: Record<CellKind, CellKindDescriptor> = {
  tfjs: tfjsCell,
  cypher: cypherCell,
  rust: rustCell,
};

/**
 * What the notebook assumes before any runtime answered: kinds whose availability comes from
 * the server start "pending" (Run disabled, no message), the others runnable. The static page
 * is rendered with this, so a Run button is never shown enabled and then greyed out.
 */
export function initialUnavailable(
  kinds: Iterable<CellKind>,
): Partial<Record<CellKind, Unavailable>> {
  const pending: Partial<Record<CellKind, Unavailable>> = {};
  for (const kind of new Set(kinds)) {
    const descriptor = CELL_KINDS[kind];
    if (descriptor.availabilityFromServer)
      pending[kind] = {
        reason: `Checking whether ${descriptor.label} cells can run here…`,
        pending: true,
      };
  }
  return pending;
}

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
