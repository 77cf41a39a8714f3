"use client";
import dynamic from "next/dynamic";
import { SyncStatus } from "@/components/progress/sync-status";
import { useNotebook } from "./notebook-context";
import { ResetLessonButton } from "./reset-lesson-button";
import { ShortcutsHint } from "./shortcuts-dialog";
import styles from "./notebook-toolbar.module.css";

// The kernel bar pulls in the kernel client and its protocol: load it after first paint, in a
// placeholder of its own height so nothing moves.
const KernelBar = dynamic(() => import("./kernel-bar").then((m) => m.KernelBar), {
  ssr: false,
  loading: () => <div className={styles.kernelPlaceholder} aria-hidden="true" />,
});

/** Lesson-wide controls: run every cell in order, stop what is running, start the lesson over. */
export function NotebookToolbar() {
  const notebook = useNotebook();
  const cells = Object.values(notebook.state.cells);
  const busy = cells.some((c) => c.status === "running" || c.status === "queued");
  const runnable = cells.some((c) => notebook.unavailable[c.kind] === undefined);
  const hasTfjs = cells.some((c) => c.kind === "tfjs");
  return (
    <>
      <div className={styles.toolbar} role="toolbar" aria-label="Notebook">
        <button
          type="button"
          className="button"
          onClick={notebook.runAll}
          disabled={busy || !runnable}
        >
          ▶ Run all
        </button>
        {busy && (
          <button type="button" className="button" onClick={notebook.interrupt}>
            ■ Stop all
          </button>
        )}
        <ResetLessonButton onReset={notebook.resetLesson} />
        {notebook.completed && (
          <span className={styles.complete} data-testid="lesson-complete">
            ✓ Lesson complete
          </span>
        )}
        <ShortcutsHint />
        {/* On a row of its own: its text changes after hydration and must not rewrap the row. */}
        <div className={styles.sync}>
          <SyncStatus />
        </div>
      </div>
      {hasTfjs && <KernelBar lessonKey={notebook.lessonKey} />}
    </>
  );
}
