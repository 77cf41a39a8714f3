import type { CellKind, CellRuntime } from "./types";

/**
 * Where each cell kind's runtime comes from. Loaded on demand, so a lesson page ships none of
 * the heavy runtimes (TensorFlow.js, the Cypher and Rust clients) until a lesson needs them.
 */
const loaders: Record<CellKind, () => Promise<CellRuntime>> = {
  tfjs: () => import("@/lib/kernel/tfjs-runtime").then((m) => m.tfjsRuntime),
  cypher: () => import("@/lib/neo4j/cypher-runtime").then((m) => m.cypherRuntime),
  rust: () => import("@/lib/rust/rust-runtime").then((m) => m.rustRuntime),
};

const cache = new Map<CellKind, Promise<CellRuntime>>();

export function loadRuntime(kind: CellKind): Promise<CellRuntime> {
  let runtime = cache.get(kind);
  if (!runtime) {
    runtime = loaders[kind]();
    runtime.catch(() => cache.delete(kind)); // a failed chunk load may be retried
    cache.set(kind, runtime);
  }
  return runtime;
}
