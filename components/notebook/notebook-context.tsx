"use client";
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from "react";
import { useSessionUserId } from "@/lib/auth/use-session-user";
import { rustProjectFiles } from "@/lib/content/check/rust-project";
import { isLessonComplete } from "@/lib/notebook/completion";
import { cellsAbove, createNotebookState, notebookReducer, type NotebookState } from "@/lib/notebook/reducer";
import { loadRuntime } from "@/lib/notebook/runtimes";
import type { CellKind, CellOutput, CellRuntime, RunRequest, Unavailable } from "@/lib/notebook/types";
import { createLessonProgress } from "@/lib/progress/browser";
import type { ProgressStore } from "@/lib/progress/store";
import { browserReportsVerdict } from "@/lib/progress/verification";

export interface NotebookCellSpec {
  id: string;
  kind: CellKind;
  role: "cell" | "exercise";
  code: string;
  attributes: Record<string, string>;
  check?: string;
}

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
}

const NotebookContext = createContext<NotebookApi | null>(null);

export function useNotebook(): NotebookApi {
  const api = useContext(NotebookContext);
  if (!api) throw new Error("useNotebook must be used inside <NotebookProvider>");
  return api;
}

/** Owns the cells' state for one lesson and runs them one at a time, in the order asked. */
export function NotebookProvider({
  lessonKey,
  cells,
  rustManifests = {},
  children,
}: {
  lessonKey: string;
  cells: NotebookCellSpec[];
  /** Cargo.toml text per Rust project name (from the lesson's ```toml project=<name> blocks). */
  rustManifests?: Record<string, string>;
  children: ReactNode;
}) {
  const [state, dispatch] = useReducer(notebookReducer, cells, createNotebookState);
  const [unavailable, setUnavailable] = useState<Partial<Record<CellKind, Unavailable>>>({});
  const stateRef = useRef(state);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const running = useRef<AbortController | null>(null);
  const generation = useRef(0);
  const specs = useMemo(() => new Map(cells.map((c) => [c.id, c])), [cells]);
  const progress = useRef<ProgressStore | null>(null);
  const editedThisVisit = useRef(new Set<string>());
  const passedExercises = useRef(new Set<string>());
  const cellsRunOk = useRef(new Set<string>());
  const [completed, setCompleted] = useState(false);
  const [resumeCellId, setResumeCellId] = useState<string | null>(null);
  const userId = useSessionUserId();

  useEffect(() => {
    stateRef.current = state;
  }, [state]);

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
          setUnavailable(({ [kind]: _previous, ...others }) => (reason ? { ...others, [kind]: reason } : others));
        })
        .catch((error: unknown) => console.error(`[notebook] could not load the ${kind} runtime:`, error));
    }
    return () => {
      cancelled = true;
    };
  }, [cells, userId]);

  // "✓ Lesson complete" shows once the completion is kept in this browser, so leaving the page
  // right after it appears loses nothing. Without a store yet (session unknown) it waits: load()
  // asks again.
  const completion = useRef<"no" | "saving" | "yes">("no");
  const noteCompletion = useCallback(() => {
    const store = progress.current;
    if (completion.current !== "no" || !store || !isLessonComplete(cells, passedExercises.current, cellsRunOk.current)) return;
    completion.current = "saving";
    void store.markCompleted().then(() => {
      if (completion.current !== "saving" || progress.current !== store) return;
      completion.current = "yes";
      setCompleted(true);
    });
  }, [cells]);

  // Progress through IndexedDB and the sync outbox: every edit, run and check result is kept in
  // this browser at once, and a signed-in learner's work from other devices comes back here.
  // The store is made once the session is known, and again if the learner signs in or out.
  useEffect(() => {
    if (userId === undefined) return;
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
        const codes: Record<string, string> = {};
        const conflicts: Record<string, { mine: string; lessonCode: string }> = {};
        const passed: string[] = [];
        for (const [id, cell] of Object.entries(loaded.cells)) {
          const spec = specs.get(id);
          if (!spec) continue;
          if (cell.passed && spec.role === "exercise") {
            passed.push(id);
            passedExercises.current.add(id);
          }
          // What the learner typed since the page opened wins over what was loaded.
          if (editedThisVisit.current.has(id)) continue;
          if (cell.conflict) conflicts[id] = { mine: cell.conflict.learnerCode, lessonCode: cell.conflict.lessonCode };
          else if (cell.code !== null) codes[id] = cell.code;
        }
        dispatch({ type: "restore", codes, conflicts, passed });
        completion.current = loaded.completed ? "yes" : "no";
        setCompleted(loaded.completed);
        if (!loaded.completed) noteCompletion();
        const last = loaded.lastCellId;
        if (last && specs.has(last) && stateRef.current.cells[last]?.runCount === 0) {
          setResumeCellId(last);
          // Resume where they stopped, unless the address names a place or they already scrolled.
          if (!window.location.hash && window.scrollY < 80) document.getElementById(`cell-${last}`)?.scrollIntoView({ block: "start" });
        }
      })
      .catch((error: unknown) => console.error("[progress] could not load this lesson's saved work:", error));
    return () => {
      cancelled = true;
      store.dispose();
      progress.current = null;
    };
  }, [cells, lessonKey, specs, userId, noteCompletion]);

  const execute = useCallback(
    async (id: string, runGeneration: number) => {
      const spec = specs.get(id);
      const current = stateRef.current;
      if (!spec || runGeneration !== generation.current) return;
      const runtime: CellRuntime = await loadRuntime(spec.kind);
      const reason = runtime.unavailable()?.reason;
      const controller = new AbortController();
      running.current = controller;
      dispatch({ type: "start", id, at: Date.now() });
      let firstError: string | undefined;
      const emit = (output: CellOutput) => {
        if (output.type === "error") firstError ??= `${output.name}: ${output.message}`;
        dispatch({ type: "output", id, output });
      };
      if (reason) {
        emit({ type: "text", stream: "info", text: reason });
        dispatch({ type: "finish", id, outcome: { status: "error", durationMs: 0 } });
        return;
      }
      const request: RunRequest = {
        lessonKey,
        cell: { id, kind: spec.kind, code: current.cells[id]?.code ?? spec.code },
        previousCells: current.order
          .slice(0, current.order.indexOf(id))
          .map((otherId) => current.cells[otherId])
          .filter((c): c is NonNullable<typeof c> => c !== undefined && c.kind === spec.kind)
          .map((c) => ({ id: c.id, kind: c.kind, code: c.code })),
        attributes: { ...spec.attributes, role: spec.role },
      };
      if (spec.kind === "rust") {
        // A Rust cell runs as its whole Cargo project: the other files come from the learner's
        // current code in the project's other cells, exactly as content:check assembles them.
        const rustCells = current.order
          .map((otherId) => specs.get(otherId))
          .filter((c): c is NotebookCellSpec => c?.kind === "rust")
          .map((c) => ({ id: c.id, code: current.cells[c.id]?.code ?? c.code, attributes: c.attributes }));
        const index = rustCells.findIndex((c) => c.id === id);
        const files = rustProjectFiles(rustCells, index, request.cell.code, new Map(Object.entries(rustManifests)));
        request.attributes.files = JSON.stringify(files);
      }
      let outcome;
      try {
        outcome = await runtime.run(request, emit, controller.signal);
      } catch (error) {
        emit({ type: "error", name: "Error", message: `The cell could not run: ${(error as Error).message}` });
        outcome = { status: "error" as const, durationMs: 0 };
      }
      // An exercise's check runs while the cell still counts as running, so its messages show.
      if (outcome.status === "ok" && spec.role === "exercise" && spec.check !== undefined && !controller.signal.aborted) {
        let verdict;
        try {
          verdict = runtime.check
            ? await runtime.check({ ...request, check: spec.check }, emit, controller.signal)
            : await runCheckAsCell(runtime, request, spec.check, emit, controller.signal);
        } catch (error) {
          verdict = { passed: false, message: `The check could not run: ${(error as Error).message}` };
        }
        dispatch({ type: "check", id, result: verdict });
        if (browserReportsVerdict(spec.kind, verdict)) {
          progress.current?.recordAttempt(id, verdict.passed, outcome.durationMs, verdict.passed ? undefined : verdict.message);
        } else if (verdict.passed) {
          // The server recorded this verdict itself; this browser only remembers the pass.
          progress.current?.notePassedLocally(id);
        }
        if (verdict.passed) passedExercises.current.add(id);
      }
      dispatch({ type: "finish", id, outcome });
      setResumeCellId(null);
      progress.current?.setLastCell(id);
      progress.current?.recordRun(id, outcome.status, outcome.durationMs, outcome.status === "error" ? firstError : undefined);
      if (outcome.status === "ok") cellsRunOk.current.add(id);
      noteCompletion();
      running.current = null;
    },
    [lessonKey, specs, rustManifests, noteCompletion],
  );

  /** Stops the running cell and drops the queued ones. */
  const stopAll = useCallback(() => {
    generation.current += 1;
    dispatch({ type: "cancel-queued" });
    running.current?.abort();
  }, []);

  const enqueue = useCallback(
    (ids: string[]) => {
      const runGeneration = generation.current;
      for (const id of ids) {
        dispatch({ type: "queue", id });
        queue.current = queue.current.then(() => execute(id, runGeneration)).catch(() => undefined);
      }
    },
    [execute],
  );

  const api = useMemo<NotebookApi>(
    () => ({
      lessonKey,
      state,
      unavailable,
      completed,
      resumeCellId,
      edit(id, code) {
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
        passedExercises.current.clear();
        cellsRunOk.current.clear();
        completion.current = "no";
        setCompleted(false);
        setResumeCellId(null);
        progress.current?.resetLesson();
      },
      resolveConflict(id, choice) {
        if (!stateRef.current.cells[id]?.conflict) return;
        dispatch({ type: "resolve-conflict", id, choice });
        progress.current?.resolveConflict(id, choice);
      },
      run: (id) => enqueue([id]),
      runAll: () => enqueue(stateRef.current.order),
      runAbove: (id) => enqueue(cellsAbove(stateRef.current, id)),
      interrupt: stopAll,
    }),
    [lessonKey, state, unavailable, completed, resumeCellId, enqueue, stopAll],
  );

  return <NotebookContext.Provider value={api}>{children}</NotebookContext.Provider>;
}

async function runCheckAsCell(
  runtime: CellRuntime,
  request: RunRequest,
  check: string,
  emit: (output: CellOutput) => void,
  signal: AbortSignal,
) {
  const checkRequest: RunRequest = {
    ...request,
    cell: { ...request.cell, id: `${request.cell.id}--check`, code: check },
    previousCells: [...request.previousCells, request.cell],
  };
  const outcome = await runtime.run(checkRequest, emit, signal);
  return outcome.status === "ok"
    ? { passed: true, message: "Check passed." }
    : { passed: false, message: "Not yet: the check failed (see the message above)." };
}
