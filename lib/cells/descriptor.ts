/**
 * What the notebook knows of a cell kind: one descriptor per kind, registered in
 * `registry.ts`. Everything heavy (the runtime, the editor setup) is loaded on demand, so a
 * lesson page ships none of it until a cell needs it.
 */
import type * as Monaco from "monaco-editor";
import type { CellRuntime } from "@/lib/notebook/types";

export interface CellKindDescriptor {
  /** Shown on the cell's badge and in its accessible name. */
  label: string;
  editor: {
    /** Monaco language id. */
    language: string;
    /** Per-language editor setup, run once per page before the language is used. */
    configure?: (monaco: typeof Monaco) => Promise<void>;
  };
  loadRuntime(): Promise<CellRuntime>;
  /**
   * Whether this kind can run is known only once the server answered (a session, a toolchain):
   * its Run buttons start disabled ("checking") so that they never flip from enabled to disabled.
   */
  availabilityFromServer?: boolean;
}
