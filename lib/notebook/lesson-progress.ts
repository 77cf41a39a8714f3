/**
 * What the notebook keeps of a lesson and gets back from it: saved code and passes restored
 * into the notebook, each run and verdict remembered, and the lesson's completion, saved once
 * every exercise passed. Plain code over a ProgressStore, so it is tested without React.
 */
import type { LoadedLesson, ProgressStore } from "@/lib/progress/store";
import { browserReportsVerdict } from "@/lib/progress/verification";
import { isLessonComplete } from "./completion";
import type { NotebookAction } from "./reducer";
import type { CellRunResult } from "./run-cell";
import type { NotebookCellSpec } from "./run-request";

type RestoreAction = Extract<NotebookAction, { type: "restore" }>;

/**
 * The restore for the notebook from saved progress. What the learner typed since the page
 * opened (`editedThisVisit`) wins over what was loaded; passes count either way.
 */
export function restoreFromSaved(
  loaded: LoadedLesson,
  specs: ReadonlyMap<string, NotebookCellSpec>,
  editedThisVisit: ReadonlySet<string>,
): RestoreAction {
  const codes: Record<string, string> = {};
  const conflicts: Record<string, { mine: string; lessonCode: string }> = {};
  const passed: string[] = [];
  for (const [id, cell] of Object.entries(loaded.cells)) {
    const spec = specs.get(id);
    if (!spec) continue;
    if (cell.passed && spec.role === "exercise") passed.push(id);
    if (editedThisVisit.has(id)) continue;
    if (cell.conflict)
      conflicts[id] = { mine: cell.conflict.learnerCode, lessonCode: cell.conflict.lessonCode };
    else if (cell.code !== null) codes[id] = cell.code;
  }
  return { type: "restore", codes, conflicts, passed };
}

/** Keeps a finished run: its status, the cell reached, and an exercise's verdict. */
export function rememberRun(
  store: ProgressStore,
  spec: NotebookCellSpec,
  result: CellRunResult,
): void {
  const { outcome, verdict } = result;
  if (verdict) {
    if (browserReportsVerdict(spec.kind, verdict)) {
      store.recordAttempt(
        spec.id,
        verdict.passed,
        outcome.durationMs,
        verdict.passed ? undefined : verdict.message,
      );
    } else if (verdict.passed) {
      // The server recorded this verdict itself; this browser only remembers the pass.
      store.notePassedLocally(spec.id);
    }
  }
  store.setLastCell(spec.id);
  store.recordRun(
    spec.id,
    outcome.status,
    outcome.durationMs,
    outcome.status === "error" ? result.firstError : undefined,
  );
}

export interface CompletionTracker {
  /** A finished run: its pass and its clean run count towards completion. */
  noteRun(id: string, result: CellRunResult): void;
  /** Saved progress arrived: these exercises passed before; the lesson may already be complete. */
  restore(passed: readonly string[], completed: boolean): void;
  /** The learner reset the lesson. */
  reset(): void;
  /** Saves the completion once the lesson is complete; `onCompleted` runs after it is kept. */
  update(): void;
}

/**
 * "✓ Lesson complete" shows once the completion is kept in this browser, so leaving the page
 * right after it appears loses nothing. Without a store yet (session unknown) it waits: a later
 * `update()` asks again. A store replaced meanwhile (sign-in, sign-out) drops the answer.
 */
export function createCompletionTracker(
  cells: readonly { id: string; role: "cell" | "exercise" }[],
  currentStore: () => ProgressStore | null,
  onCompleted: (completed: boolean) => void,
): CompletionTracker {
  const passed = new Set<string>();
  const ranOk = new Set<string>();
  let state: "no" | "saving" | "yes" = "no";
  const tracker: CompletionTracker = {
    noteRun(id, result) {
      if (result.verdict?.passed) passed.add(id);
      if (result.outcome.status === "ok") ranOk.add(id);
    },
    restore(restoredPasses, completed) {
      for (const id of restoredPasses) passed.add(id);
      state = completed ? "yes" : "no";
      onCompleted(completed);
      if (!completed) tracker.update();
    },
    reset() {
      passed.clear();
      ranOk.clear();
      state = "no";
      onCompleted(false);
    },
    update() {
      const store = currentStore();
      if (state !== "no" || !store || !isLessonComplete(cells, passed, ranOk)) return;
      state = "saving";
      void store.markCompleted().then(() => {
        if (state !== "saving" || currentStore() !== store) return;
        state = "yes";
        onCompleted(true);
      });
    },
  };
  return tracker;
}
