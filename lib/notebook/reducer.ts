import { findFailureCause, type FailureCause } from "./failure-cause";
import { followLessonCode } from "./follow-lesson";
import { mergeOutput } from "./outputs";
import type { StoredOutputs } from "./stored-outputs";
import type { CellKind, CellOutput, CheckVerdict, CodeMarker, RunOutcome } from "./types";

/** "check-failed": the exercise ran, but its check did not pass (a failure, not "done"). */
type CellStatus = "idle" | "queued" | "running" | "done" | "check-failed" | "error" | "interrupted";

export interface CellState {
  id: string;
  kind: CellKind;
  /** The code as the lesson ships it (what "Reset" restores). */
  lessonCode: string;
  code: string;
  status: CellStatus;
  startedAt: number | null;
  durationMs: number | null;
  outputs: CellOutput[];
  markers: CodeMarker[];
  runCount: number;
  check: CheckVerdict | null;
  /** The cell above that made the last run fail (see failure-cause.ts), or null. */
  cause: FailureCause | null;
  /** The lesson's code changed under a saved edit: the learner chooses which to keep. */
  conflict: { mine: string; lessonCode: string } | null;
  /** The outputs shown were kept from a run on an earlier visit (until the cell runs again). */
  earlierRun: { savedAt: number; trimmed: boolean } | null;
}

export interface NotebookState {
  order: string[];
  cells: Record<string, CellState>;
}

export type NotebookAction =
  | { type: "edit"; id: string; code: string }
  | { type: "reset"; id: string }
  | {
      type: "restore";
      codes: Record<string, string>;
      conflicts?: Record<string, { mine: string; lessonCode: string }>;
      passed?: string[];
      /** Outputs kept in this browser from earlier runs: shown in cells not run on this visit. */
      outputs?: Record<string, StoredOutputs>;
    }
  | { type: "reset-all" }
  /** The lesson file changed under the open page (see follow-lesson.ts). */
  | { type: "lesson-changed"; cells: { id: string; kind: CellKind; code: string }[] }
  | { type: "resolve-conflict"; id: string; choice: "mine" | "lesson" }
  | { type: "queue"; id: string }
  | { type: "start"; id: string; at: number }
  | { type: "output"; id: string; output: CellOutput }
  | { type: "finish"; id: string; outcome: RunOutcome }
  | { type: "check"; id: string; result: CheckVerdict }
  | { type: "cancel-queued" }
  | { type: "clear-outputs"; id: string };

/** An exercise passed on an earlier visit or another device (outputs are kept per browser only). */
export const PASSED_BEFORE: CheckVerdict = {
  passed: true,
  message: "Passed on an earlier visit. Run it again any time.",
};

export function createNotebookState(
  cells: { id: string; kind: CellKind; code: string }[],
): NotebookState {
  return {
    order: cells.map((c) => c.id),
    cells: Object.fromEntries(
      cells.map((c) => [
        c.id,
        {
          id: c.id,
          kind: c.kind,
          lessonCode: c.code,
          code: c.code,
          status: "idle",
          startedAt: null,
          durationMs: null,
          outputs: [],
          markers: [],
          runCount: 0,
          check: null,
          cause: null,
          conflict: null,
          earlierRun: null,
        } satisfies CellState,
      ]),
    ),
  };
}

function update(
  state: NotebookState,
  id: string,
  change: (cell: CellState) => CellState,
): NotebookState {
  const cell = state.cells[id];
  if (!cell) return state;
  return { ...state, cells: { ...state.cells, [id]: change(cell) } };
}

export function notebookReducer(state: NotebookState, action: NotebookAction): NotebookState {
  switch (action.type) {
    case "edit":
      return update(state, action.id, (c) =>
        c.code === action.code ? c : { ...c, code: action.code, markers: [] },
      );
    case "reset":
      return update(state, action.id, (c) => ({
        ...c,
        code: c.lessonCode,
        markers: [],
        outputs: [],
        status: "idle",
        check: null,
        cause: null,
        durationMs: null,
        conflict: null,
        earlierRun: null,
      }));
    case "restore": {
      let next = state;
      for (const [id, code] of Object.entries(action.codes))
        next = update(next, id, (c) => ({ ...c, code }));
      for (const [id, conflict] of Object.entries(action.conflicts ?? {})) {
        next = update(next, id, (c) => ({ ...c, code: conflict.mine, conflict }));
      }
      for (const id of action.passed ?? [])
        next = update(next, id, (c) => (c.check ? c : { ...c, check: PASSED_BEFORE }));
      for (const [id, kept] of Object.entries(action.outputs ?? {}))
        next = update(next, id, (c) =>
          c.runCount > 0 || c.status !== "idle" || c.outputs.length > 0 || kept.outputs.length === 0
            ? c
            : {
                ...c,
                outputs: kept.outputs,
                earlierRun: { savedAt: kept.savedAt, trimmed: kept.trimmed },
              },
        );
      return next;
    }
    case "reset-all": {
      let next = state;
      for (const id of state.order) next = notebookReducer(next, { type: "reset", id });
      return next;
    }
    case "lesson-changed":
      return followLessonCode(state, action.cells);
    case "resolve-conflict":
      return update(state, action.id, (c) =>
        c.conflict
          ? {
              ...c,
              code: action.choice === "mine" ? c.conflict.mine : c.conflict.lessonCode,
              conflict: null,
            }
          : c,
      );
    case "queue":
      return update(state, action.id, (c) =>
        c.status === "running" || c.status === "queued" ? c : { ...c, status: "queued" },
      );
    case "start":
      return update(state, action.id, (c) => ({
        ...c,
        status: "running",
        startedAt: action.at,
        durationMs: null,
        outputs: [],
        markers: [],
        check: null,
        cause: null,
        earlierRun: null,
        runCount: c.runCount + 1,
      }));
    case "output":
      return update(state, action.id, (c) =>
        c.status === "running" ? { ...c, outputs: mergeOutput(c.outputs, action.output) } : c,
      );
    case "finish":
      return update(state, action.id, (c) => ({
        ...c,
        status:
          action.outcome.status === "ok"
            ? c.check && !c.check.passed
              ? "check-failed"
              : "done"
            : action.outcome.status === "error"
              ? "error"
              : "interrupted",
        durationMs: action.outcome.durationMs,
        markers: action.outcome.status === "error" ? (action.outcome.markers ?? []) : [],
        cause: action.outcome.status === "error" ? findFailureCause(state, action.id) : null,
      }));
    case "check":
      return update(state, action.id, (c) => ({ ...c, check: action.result }));
    case "cancel-queued": {
      let next = state;
      for (const id of state.order)
        if (state.cells[id]?.status === "queued")
          next = update(next, id, (c) => ({ ...c, status: "idle" }));
      return next;
    }
    case "clear-outputs":
      return update(state, action.id, (c) => ({
        ...c,
        outputs: [],
        check: null,
        cause: null,
        earlierRun: null,
      }));
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
}

/** The ids of the cells above `id` (for "run all above"). */
export function cellsAbove(state: NotebookState, id: string): string[] {
  const index = state.order.indexOf(id);
  return index <= 0 ? [] : state.order.slice(0, index);
}

export function isEdited(cell: CellState): boolean {
  return cell.code !== cell.lessonCode;
}
