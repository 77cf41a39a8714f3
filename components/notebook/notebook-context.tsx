"use client";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { useSessionUserId } from "@/lib/auth/use-session-user";
import { initialUnavailable, loadRuntime } from "@/lib/cells/registry";
import {
  createCompletionTracker,
  rememberRun,
  restoreFromSaved,
  type CompletionTracker,
} from "@/lib/notebook/lesson-progress";
import {
  cellsAbove,
  createNotebookState,
  notebookReducer,
  type NotebookState,
} from "@/lib/notebook/reducer";
import { runCell } from "@/lib/notebook/run-cell";
import { createRunQueue, type RunQueue } from "@/lib/notebook/run-queue";
import { buildRunRequest, type NotebookCellSpec } from "@/lib/notebook/run-request";
import type { CellKind, CellOutput, RunRequest, Unavailable } from "@/lib/notebook/types";
import { createLessonProgress } from "@/lib/progress/browser";
import type { ProgressStore } from "@/lib/progress/store";

export type { NotebookCellSpec };

interface NotebookApi {
  lessonKey: string;
  state: NotebookState;
  unavailable: Partial<Record<CellKind, Unavailable>>;
  /** Every exercise passed (here, earlier, or on another device). */
  completed: boolean;
  /** The cell the learner stopped at last time, shown as "You stopped here" until they run one. */
  resumeCellId: string | null;
  edit(id: string, code: string): void;
  reset(id: string): void;
  /** Every cell back to the lesson's code; outputs, passes and the last cell forgotten. */
  resetLesson(): void;
  resolveConflict(id: string, choice: "mine" | "lesson"): void;
  run(id: string): void;
  runAll(): void;
  runAbove(id: string): void;
  interrupt(): void;
  /** An output of the cell is on screen (a plot drawn): its runtime may be waiting for that. */
  outputShown(id: string, output: CellOutput): void;
}

const NotebookContext = createContext<NotebookApi | null>(null);

export function useNotebook(): NotebookApi {
  const api = useContext(NotebookContext);
  if (!api) throw new Error("useNotebook must be used inside <NotebookProvider>");
  return api;
}

/**
 * Owns the cells' state for one lesson and wires it to the plain modules that do the work:
 * the run queue, one cell run, and the lesson's saved progress and completion.
 */
export function NotebookProvider({
  lessonKey,
  cells: givenCells,
  children,
}: {
  lessonKey: string;
  cells: NotebookCellSpec[];
  children: ReactNode;
}) {
  // A refreshed page (a saved lesson file in dev or the preview) hands over new arrays: only a
  // real change of the lesson's cells may restart the stores, runtimes and run queue below.
  const cellsJson = useMemo(() => JSON.stringify(givenCells), [givenCells]);
  const cells = useMemo(() => JSON.parse(cellsJson) as NotebookCellSpec[], [cellsJson]);
  const [state, dispatch] = useReducer(notebookReducer, cells, createNotebookState);
  const [unavailable, setUnavailable] = useState<Partial<Record<CellKind, Unavailable>>>(() =>
    initialUnavailable(cells.map((c) => c.kind)),
  );
  const stateRef = useRef(state);
  const specs = useMemo(() => new Map(cells.map((c) => [c.id, c])), [cells]);
  const progress = useRef<ProgressStore | null>(null);
  const editedThisVisit = useRef(new Set<string>());
  const [completed, setCompleted] = useState(false);
  const [resumeCellId, setResumeCellId] = useState<string | null>(null);
  const userId = useSessionUserId();
  const completion = useRef<CompletionTracker | null>(null);
  const queue = useRef<RunQueue | null>(null);
  // Cells queued by one Run all / Run all above, by cell id, so that each run knows its batch.
  const batches = useRef(new Map<string, NonNullable<RunRequest["batch"]>>());
  // Outputs already handed to the store (by identity), and who the session was last time.
  const savedOutputs = useRef(new Map<string, readonly CellOutput[]>());
  const previousUserId = useRef<string | null | undefined>(undefined);

  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  // The file changed under the open page: unedited cells show its new code (follow-lesson.ts).
  const shownCells = useRef(cells);
  useEffect(() => {
    if (shownCells.current === cells) return;
    shownCells.current = cells;
    dispatch({ type: "lesson-changed", cells });
  }, [cells]);

  useEffect(() => {
    completion.current = createCompletionTracker(cells, () => progress.current, setCompleted);
  }, [cells]);

  // Learn whether each kind of cell can run here (a Rust toolchain, a session), and again when
  // the learner signs in or out.
  useEffect(() => {
    if (userId === undefined) return;
    let cancelled = false;
    for (const kind of new Set(cells.map((c) => c.kind))) {
      loadRuntime(kind)
        .then(async (runtime) => {
          await runtime.refreshAvailability?.();
          if (cancelled) return;
          const reason = runtime.unavailable();
          setUnavailable(({ [kind]: _previous, ...others }) =>
            reason ? { ...others, [kind]: reason } : others,
          );
        })
        .catch((error: unknown) => {
          console.error(`[notebook] could not load the ${kind} runtime:`, error);
          // Unknown is not "cannot": let Run try (and explain) rather than stay pending.
          if (!cancelled)
            setUnavailable(({ [kind]: previous, ...others }) =>
              previous?.pending ? others : previous ? { ...others, [kind]: previous } : others,
            );
        });
    }
    return () => {
      cancelled = true;
    };
  }, [cells, userId]);

  // Progress through IndexedDB and the sync outbox: every edit, run and check result is kept in
  // this browser at once, and a signed-in learner's work from other devices comes back here.
  // The store is made once the session is known, and again if the learner signs in or out.
  useEffect(() => {
    if (userId === undefined) return;
    // Signed out (a shared computer): the account's work leaves the page too; their local copy
    // is deleted by the sign-out itself (components/auth/user-menu.tsx).
    if (typeof previousUserId.current === "string" && userId === null) {
      queue.current?.stop();
      dispatch({ type: "reset-all" });
      editedThisVisit.current.clear();
      completion.current?.reset();
      setResumeCellId(null);
    }
    previousUserId.current = userId;
    const lessonCode = Object.fromEntries(cells.map((c) => [c.id, c.code]));
    const store = createLessonProgress(lessonKey, lessonCode, userId);
    progress.current = store;
    // What was typed before the session answered is kept too.
    for (const id of editedThisVisit.current) {
      const code = stateRef.current.cells[id]?.code;
      if (code !== undefined) store.saveCode(id, code);
    }
    let cancelled = false;
    store
      .load()
      .then((loaded) => {
        if (cancelled) return;
        const restore = restoreFromSaved(loaded, specs, editedThisVisit.current);
        dispatch({ ...restore, outputs: loaded.outputs ?? {} });
        completion.current?.restore(restore.passed ?? [], loaded.completed);
        const last = loaded.lastCellId;
        if (last && specs.has(last) && stateRef.current.cells[last]?.runCount === 0) {
          setResumeCellId(last);
          // Resume where they stopped, unless the address names a place or they already scrolled.
          if (!window.location.hash && window.scrollY < 80)
            document.getElementById(`cell-${last}`)?.scrollIntoView({ block: "start" });
        }
      })
      .catch((error: unknown) =>
        console.error("[progress] could not load this lesson's saved work:", error),
      );
    return () => {
      cancelled = true;
      store.dispose();
      progress.current = null;
    };
  }, [cells, lessonKey, specs, userId]);

  // A finished run's outputs are kept in this browser (bounded by the store) for the next visit.
  useEffect(() => {
    const store = progress.current;
    if (!store) return;
    for (const id of state.order) {
      const cell = state.cells[id];
      const finished =
        cell && cell.runCount > 0 && !["idle", "queued", "running"].includes(cell.status);
      if (!cell || !finished || savedOutputs.current.get(id) === cell.outputs) continue;
      savedOutputs.current.set(id, cell.outputs);
      store.saveOutputs(id, cell.outputs);
    }
  }, [state]);

  useEffect(() => {
    const created = createRunQueue({
      queued: (id) => dispatch({ type: "queue", id }),
      cancelled: () => dispatch({ type: "cancel-queued" }),
      async execute(id, signal) {
        const spec = specs.get(id);
        if (!spec) return;
        const runtime = await loadRuntime(spec.kind);
        if (signal.aborted) return; // stopped while the runtime loaded: the cell stays unrun
        const batch = batches.current.get(id);
        batches.current.delete(id);
        const request = {
          ...buildRunRequest(lessonKey, cells, stateRef.current, id),
          ...(batch ? { batch } : {}),
        };
        const result = await runCell(runtime, spec, request, signal, dispatch);
        setResumeCellId(null);
        if (progress.current) rememberRun(progress.current, spec, result);
        completion.current?.noteRun(id, result);
        completion.current?.update();
      },
    });
    queue.current = created;
    return () => {
      created.stop();
      if (queue.current === created) queue.current = null;
    };
  }, [cells, lessonKey, specs]);
  const stopAll = useCallback(() => {
    batches.current.clear();
    queue.current?.stop();
  }, []);
  const enqueueBatch = useCallback((ids: readonly string[]) => {
    const batch = {
      id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
      cellIds: ids,
    };
    for (const id of ids) batches.current.set(id, batch);
    queue.current?.enqueue(ids);
  }, []);

  const api = useMemo<NotebookApi>(
    () => ({
      lessonKey,
      state,
      unavailable,
      completed,
      resumeCellId,
      edit(id, code) {
        // An editor reporting the code it was given (as it loads) is not a change to save.
        if (stateRef.current.cells[id]?.code === code) return;
        dispatch({ type: "edit", id, code });
        editedThisVisit.current.add(id);
        progress.current?.saveCode(id, code);
      },
      reset(id) {
        dispatch({ type: "reset", id });
        editedThisVisit.current.add(id);
        progress.current?.resetCell(id);
      },
      resetLesson() {
        stopAll();
        dispatch({ type: "reset-all" });
        for (const id of stateRef.current.order) editedThisVisit.current.add(id);
        completion.current?.reset();
        setResumeCellId(null);
        progress.current?.resetLesson();
      },
      resolveConflict(id, choice) {
        if (!stateRef.current.cells[id]?.conflict) return;
        dispatch({ type: "resolve-conflict", id, choice });
        progress.current?.resolveConflict(id, choice);
      },
      run: (id) => queue.current?.enqueue([id]),
      runAll: () => enqueueBatch(stateRef.current.order),
      runAbove: (id) => enqueueBatch(cellsAbove(stateRef.current, id)),
      interrupt: stopAll,
      outputShown(id, output) {
        const kind = specs.get(id)?.kind;
        if (kind)
          void loadRuntime(kind).then((runtime) => runtime.outputShown?.(lessonKey, output));
      },
    }),
    [lessonKey, state, unavailable, completed, resumeCellId, stopAll, enqueueBatch, specs],
  );

  return <NotebookContext.Provider value={api}>{children}</NotebookContext.Provider>;
}
