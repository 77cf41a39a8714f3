/**
 * The notebook's shared vocabulary: cells, outputs and the runtime contract that every
 * cell kind (tfjs, cypher, rust) implements. Pure types, no I/O.
 */

export type CellKind = "tfjs" | "cypher" | "rust";

/** One output item shown under a cell. Every runtime produces only these. */
export type CellOutput =
  | { type: "text"; stream: "stdout" | "stderr" | "info"; text: string }
  | { type: "table"; columns: string[]; rows: unknown[][]; totalRows?: number; caption?: string }
  | { type: "tensor"; shape: number[]; dtype: string; preview: string }
  | { type: "plot"; plotId: string; traces: unknown[]; layout?: Record<string, unknown> }
  | {
      type: "progress";
      progressId: string;
      label: string;
      value: number;
      max: number;
      etaSeconds?: number;
      detail?: string;
    }
  | { type: "graph"; nodes: GraphNode[]; relationships: GraphRelationship[] }
  | {
      type: "error";
      name: string;
      message: string;
      line?: number;
      column?: number;
      /** The cell above whose failure made this one fail (set by a runtime that knows, e.g. a replay). */
      causeCellId?: string;
    }
  | { type: "success"; message: string }
  | {
      /** EXPLAIN / PROFILE: the operator tree, root first; `omitted` operators past the cap. */
      type: "plan";
      mode: "explain" | "profile";
      root: PlanOperator;
      totalDbHits?: number;
      omitted?: number;
    };

/** One operator of a query plan (Neo4j's names); rows and dbHits under PROFILE only. */
export interface PlanOperator {
  operator: string;
  details?: string;
  identifiers: string[];
  estimatedRows?: number;
  rows?: number;
  dbHits?: number;
  children: PlanOperator[];
}

export interface GraphNode {
  id: string;
  labels: string[];
  properties: Record<string, unknown>;
}

export interface GraphRelationship {
  id: string;
  type: string;
  startId: string;
  endId: string;
  properties: Record<string, unknown>;
}

/** A marker that an editor should underline (1-based line and column). */
export interface CodeMarker {
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  message: string;
}

interface CellSource {
  id: string;
  kind: CellKind;
  code: string;
}

/** A cell as the lesson declares it, with the learner's current code. */
export interface LessonCellSource extends CellSource {
  /** The lesson's attributes of the cell (e.g. `dataset`, `project`, `file`, `manifest`). */
  attributes: Record<string, string>;
}

export interface RunRequest {
  /** `<track>/<chapter>/<lesson>` */
  lessonKey: string;
  cell: CellSource;
  /** Cells of the same kind above this one, in lesson order, with the learner's current code. */
  previousCells: CellSource[];
  /**
   * Every cell of the lesson, of every kind, in order, with the learner's current code: a
   * runtime builds its own context from it (a Rust cell its Cargo project).
   */
  lessonCells: LessonCellSource[];
  /** This cell's attributes from the lesson, plus its `role`. */
  attributes: Record<string, string | boolean>;
  /**
   * The cells queued together with this one (Run all, Run all above), in order; absent for a
   * single run. A runtime may serve several of them with one request (Rust: one per project).
   */
  batch?: { id: string; cellIds: readonly string[] };
}

export type RunOutcome =
  | { status: "ok"; durationMs: number }
  | { status: "error"; durationMs: number; markers?: CodeMarker[] }
  | { status: "interrupted"; durationMs: number };

/**
 * Why a kind of cell cannot run; `signIn` when signing in would let it; `pending` while the
 * notebook has not yet heard whether it can (Run stays disabled, no message shown).
 */
export type Unavailable = { reason: string; signIn?: boolean; pending?: boolean };

/**
 * What each cell kind implements. `emit` appends or replaces outputs while the cell runs
 * (a `plot` or `progress` output with an id already shown replaces that output in place).
 */
export interface CellRuntime {
  readonly kind: CellKind;
  /** Why this kind cannot run here, or null when it can. Shown instead of the Run button. */
  unavailable(): Unavailable | null;
  /** Asks again whether it can run (the learner signed in or out). Optional. */
  refreshAvailability?(): Promise<void>;
  run(
    request: RunRequest,
    emit: (output: CellOutput) => void,
    signal: AbortSignal,
  ): Promise<RunOutcome>;
  /**
   * Verifies an exercise after its cell ran successfully. `check` is the lesson's check block.
   * Optional: without it the notebook runs the check block as a cell of the same kind and
   * counts a successful run as a pass.
   */
  check?(
    request: RunRequest & { check: string },
    emit: (output: CellOutput) => void,
    signal: AbortSignal,
  ): Promise<CheckVerdict>;
  /**
   * An output this runtime emitted is now on screen (a plot was drawn). Optional: for a runtime
   * that paces itself on the page, like tfjs training waiting for its live plot.
   */
  outputShown?(lessonKey: string, output: CellOutput): void;
}

export interface CheckVerdict {
  passed: boolean;
  message: string;
  /** "server": the server ran the lesson's own check and recorded the verdict itself, so the browser must not report it. */
  verifiedBy?: "server";
}
