"use client";
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef, useState, type ReactNode } from "react";
import { authClient } from "@/lib/auth/client";
import { rustProjectFiles } from "@/lib/content/check/rust-project";
import { decideRestore, loadSavedCode, saveCode } from "@/lib/notebook/local-code-store";
import { cellsAbove, createNotebookState, notebookReducer, type NotebookState } from "@/lib/notebook/reducer";
import { loadRuntime } from "@/lib/notebook/runtimes";
import type { CellKind, CellOutput, CellRuntime, RunRequest } from "@/lib/notebook/types";
import { createLessonProgress } from "@/lib/progress/browser";
import type { ProgressStore } from "@/lib/progress/store";

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
  unavailable: Partial<Record<CellKind, string>>;
  edit(id: string, code: string): void;
  reset(id: string): void;
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
  const [unavailable, setUnavailable] = useState<Partial<Record<CellKind, string>>>({});
  const stateRef = useRef(state);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const running = useRef<AbortController | null>(null);
  const generation = useRef(0);
  const specs = useMemo(() => new Map(cells.map((c) => [c.id, c])), [cells]);
  const progress = useRef<ProgressStore | null>(null);
  const editedThisVisit = useRef(new Set<string>());

  useEffect(() => {
    stateRef.current = state;
  }, [state]);

  // Restore the learner's edits; load each kind's runtime to learn whether it can run here.
  useEffect(() => {
    const codes: Record<string, string> = {};
    const conflicts: Record<string, { mine: string; lessonCode: string }> = {};
    for (const cell of cells) {
      const decision = decideRestore(loadSavedCode(window.localStorage, lessonKey, cell.id), cell.code);
      if (decision.type === "restore") codes[cell.id] = decision.code;
      if (decision.type === "conflict") conflicts[cell.id] = { mine: decision.mine, lessonCode: decision.lessonCode };
    }
    dispatch({ type: "restore", codes, conflicts });
    for (const kind of new Set(cells.map((c) => c.kind))) {
      loadRuntime(kind).then((runtime) => {
        const reason = runtime.unavailableReason();
        if (reason) setUnavailable((u) => ({ ...u, [kind]: reason }));
      });
    }
  }, [cells, lessonKey]);

  const persist = useCallback(
    (id: string, code: string) => {
      const spec = specs.get(id);
      if (spec) saveCode(window.localStorage, lessonKey, id, code, spec.code);
    },
    [lessonKey, specs],
  );

  // Progress through IndexedDB and the sync outbox: every edit, run and check result is kept,
  // and a signed-in learner's work from other devices comes back here.
  useEffect(() => {
    const lessonCode = Object.fromEntries(cells.map((c) => [c.id, c.code]));
    const userId = authClient.getSession().then(
      (result) => result.data?.user.id ?? null,
      () => null,
    );
    const store = createLessonProgress(lessonKey, lessonCode, userId);
    progress.current = store;
    let cancelled = false;
    store
      .load()
      .then((loaded) => {
        // Without the server's copy, this browser's own edits (restored above) are the latest.
        if (cancelled || loaded.source !== "server") return;
        const codes: Record<string, string> = {};
        const conflicts: Record<string, { mine: string; lessonCode: string }> = {};
        for (const [id, cell] of Object.entries(loaded.cells)) {
          const spec = specs.get(id);
          // What the learner typed since the page opened wins over what was loaded.
          if (!spec || editedThisVisit.current.has(id)) continue;
          if (cell.conflict) conflicts[id] = { mine: cell.conflict.learnerCode, lessonCode: cell.conflict.lessonCode };
          else codes[id] = cell.code ?? spec.code;
          persist(id, cell.conflict?.learnerCode ?? codes[id] ?? spec.code);
        }
        dispatch({ type: "restore", codes, conflicts });
      })
      .catch((error: unknown) => console.error("[progress] could not load this lesson's saved work:", error));
    return () => {
      cancelled = true;
      store.dispose();
      progress.current = null;
    };
  }, [cells, lessonKey, specs, persist]);

  const execute = useCallback(
    async (id: string, runGeneration: number) => {
      const spec = specs.get(id);
      const current = stateRef.current;
      if (!spec || runGeneration !== generation.current) return;
      const runtime: CellRuntime = await loadRuntime(spec.kind);
      const reason = runtime.unavailableReason();
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
        progress.current?.recordAttempt(id, verdict.passed, outcome.durationMs, verdict.passed ? undefined : verdict.message);
      }
      dispatch({ type: "finish", id, outcome });
      progress.current?.setLastCell(id);
      progress.current?.recordRun(id, outcome.status, outcome.durationMs, outcome.status === "error" ? firstError : undefined);
      running.current = null;
    },
    [lessonKey, specs, rustManifests],
  );

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
      edit(id, code) {
        dispatch({ type: "edit", id, code });
        persist(id, code);
        editedThisVisit.current.add(id);
        progress.current?.saveCode(id, code);
      },
      reset(id) {
        dispatch({ type: "reset", id });
        const spec = specs.get(id);
        if (spec) persist(id, spec.code);
        editedThisVisit.current.add(id);
        progress.current?.resetCell(id);
      },
      resolveConflict(id, choice) {
        const conflict = stateRef.current.cells[id]?.conflict;
        if (!conflict) return;
        dispatch({ type: "resolve-conflict", id, choice });
        progress.current?.resolveConflict(id, choice);
        // Keeping mine re-bases the edit on the new lesson code, so the question is not asked again.
        persist(id, choice === "mine" ? conflict.mine : conflict.lessonCode);
      },
      run: (id) => enqueue([id]),
      runAll: () => enqueue(stateRef.current.order),
      runAbove: (id) => enqueue(cellsAbove(stateRef.current, id)),
      interrupt() {
        generation.current += 1;
        dispatch({ type: "cancel-queued" });
        running.current?.abort();
      },
    }),
    [lessonKey, state, unavailable, persist, specs, enqueue],
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
