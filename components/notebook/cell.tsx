"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { focusNextCell, handleCellKeyDown } from "@/components/editor/cell-focus";
import { CodeEditor } from "@/components/editor/code-editor";
import { CELL_KINDS } from "@/lib/cells/registry";
import type { CellState } from "@/lib/notebook/reducer";
import { isEdited } from "@/lib/notebook/reducer";
import type { CellKind } from "@/lib/notebook/types";
import { CheckVerdictNote, FailureCauseNote } from "./cell-verdict";
import { CellOutputs } from "./outputs/cell-outputs";
import { useNotebook } from "./notebook-context";
import styles from "./cell.module.css";

export interface CellProps {
  id: string;
  kind: CellKind;
  role: "cell" | "exercise";
  highlightedHtml: string;
  hidden: boolean;
  hints: ReactNode[];
  solution?: string;
  /** A Rust cell's file in its Cargo project (src/main.rs, src/lib.rs, tests/…). */
  file?: string;
}

function useElapsed(cell: CellState | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  const running = cell?.status === "running";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [running]);
  return running && cell?.startedAt ? Math.max(0, now - cell.startedAt) : null;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function StatusLine({ cell }: { cell: CellState }) {
  const elapsed = useElapsed(cell);
  const text =
    cell.status === "queued"
      ? "Queued"
      : cell.status === "running"
        ? `Running… ${formatMs(elapsed ?? 0)}`
        : cell.status === "done"
          ? `Done in ${formatMs(cell.durationMs ?? 0)}`
          : cell.status === "check-failed"
            ? "✗ Check failed"
            : cell.status === "error"
              ? "Error"
              : cell.status === "interrupted"
                ? "Interrupted"
                : cell.earlierRun
                  ? "Ran on an earlier visit"
                  : cell.runCount === 0
                    ? "Not run yet"
                    : "";
  return (
    <span
      className={`${styles.status} ${styles[`status-${cell.status}`]}`}
      aria-live="polite"
      data-status={cell.status}
    >
      {text}
    </span>
  );
}

export function Cell(props: CellProps) {
  const notebook = useNotebook();
  const cell = notebook.state.cells[props.id];
  const [hintsShown, setHintsShown] = useState(0);
  const [solutionShown, setSolutionShown] = useState(false);
  const [expanded, setExpanded] = useState(!props.hidden);
  const pathname = usePathname();
  const sectionRef = useRef<HTMLElement>(null);
  if (!cell) return null;
  const unavailable = notebook.unavailable[props.kind];
  const conflict = cell.conflict;
  const busy = cell.status === "running" || cell.status === "queued";
  const label = `${CELL_KINDS[props.kind].label} cell ${props.id}`;
  const runByKey = () => {
    if (!busy && !unavailable) notebook.run(props.id);
  };

  return (
    <section
      ref={sectionRef}
      tabIndex={-1}
      onKeyDown={handleCellKeyDown}
      className={`${styles.cell} ${props.role === "exercise" ? styles.exercise : ""} ${notebook.resumeCellId === props.id ? styles.resumed : ""}`}
      aria-label={label}
      data-cell-id={props.id}
      data-cell-kind={props.kind}
      id={`cell-${props.id}`}
    >
      <div className={styles.header}>
        <span className={`${styles.badge} ${styles[props.kind]}`}>
          {CELL_KINDS[props.kind].label}
        </span>
        {props.file && (
          <code className={styles.filePath} data-testid="cell-file">
            {props.file}
          </code>
        )}
        {props.role === "exercise" && <span className={styles.exerciseBadge}>Exercise</span>}
        {isEdited(cell) && <span className={styles.edited}>edited</span>}
        {notebook.resumeCellId === props.id && (
          <span className={styles.resume} data-testid="resume-here">
            You stopped here
          </span>
        )}
        <StatusLine cell={cell} />
        <div className={styles.toolbar}>
          {busy ? (
            <button
              type="button"
              className="button"
              onClick={notebook.interrupt}
              aria-label={`Stop ${label}`}
            >
              ■ Stop
            </button>
          ) : (
            <button
              type="button"
              className="button primary"
              onClick={() => notebook.run(props.id)}
              disabled={unavailable !== undefined}
              aria-label={`Run ${label}`}
              title={unavailable?.reason ?? "Run (Shift+Enter)"}
            >
              ▶ Run
            </button>
          )}
          <details className={styles.menu}>
            <summary className="button" aria-label={`More actions for ${label}`}>
              ⋯
            </summary>
            <div className={styles.menuItems}>
              <button type="button" onClick={() => notebook.runAbove(props.id)}>
                Run all above
              </button>
              <button type="button" onClick={() => notebook.reset(props.id)}>
                Reset to lesson code
              </button>
              {props.solution !== undefined && (
                <button type="button" onClick={() => setSolutionShown((s) => !s)}>
                  {solutionShown ? "Hide solution" : "Show solution"}
                </button>
              )}
            </div>
          </details>
        </div>
      </div>
      {unavailable && !unavailable.pending && (
        <p className={styles.unavailable} data-testid="run-unavailable">
          {unavailable.reason}
          {unavailable.signIn && (
            <>
              {" "}
              <Link href={`/sign-in?next=${encodeURIComponent(pathname)}`}>Sign in</Link>
            </>
          )}
        </p>
      )}
      {conflict && (
        <div className={styles.conflict} role="alert">
          <p>
            The lesson&rsquo;s code for this cell changed since you edited it. Which version do you
            want?
          </p>
          <button
            type="button"
            className="button"
            onClick={() => notebook.resolveConflict(props.id, "mine")}
          >
            Keep mine
          </button>{" "}
          <button
            type="button"
            className="button"
            onClick={() => notebook.resolveConflict(props.id, "lesson")}
          >
            Take the new lesson code
          </button>
        </div>
      )}
      {props.hidden && (
        <button
          type="button"
          className={styles.reveal}
          aria-expanded={expanded}
          onClick={() => setExpanded((e) => !e)}
        >
          {expanded ? "Hide setup code" : "Show setup code"}
        </button>
      )}
      {expanded && (
        <div>
          <CodeEditor
            highlightedHtml={props.highlightedHtml}
            edited={isEdited(cell)}
            code={cell.code}
            language={CELL_KINDS[props.kind].editor.language}
            ariaLabel={`${label} code`}
            markers={cell.markers}
            onChange={(code) => notebook.edit(props.id, code)}
            onRun={runByKey}
            onRunAndAdvance={() => {
              runByKey();
              if (sectionRef.current) focusNextCell(sectionRef.current);
            }}
            onLeave={() => sectionRef.current?.focus()}
            configure={CELL_KINDS[props.kind].editor.configure}
          />
        </div>
      )}
      {(cell.outputs.length > 0 || cell.check) && (
        <div
          className={styles.outputs}
          aria-label={`Output of ${label}`}
          role="region"
          data-testid="cell-output"
        >
          {cell.cause && <FailureCauseNote cause={cell.cause} />}
          <CellOutputs
            outputs={cell.outputs}
            earlierRun={cell.earlierRun}
            label={label}
            onShown={(shown) => notebook.outputShown(props.id, shown)}
          />
          {cell.check && <CheckVerdictNote verdict={cell.check} />}
        </div>
      )}
      {props.role === "exercise" && props.hints.length > 0 && (
        <div className={styles.hints}>
          {props.hints.slice(0, hintsShown).map((hint, i) => (
            <div key={i} className={styles.hint}>
              <strong>Hint {i + 1}.</strong> {hint}
            </div>
          ))}
          {hintsShown < props.hints.length && (
            <button type="button" className="button" onClick={() => setHintsShown((n) => n + 1)}>
              Show hint {hintsShown + 1} of {props.hints.length}
            </button>
          )}
        </div>
      )}
      {solutionShown && props.solution !== undefined && (
        <div className={styles.solution}>
          <p>
            <strong>Solution</strong>
          </p>
          <pre>
            <code>{props.solution}</code>
          </pre>
          <button
            type="button"
            className="button"
            onClick={() => {
              notebook.edit(props.id, props.solution ?? "");
              setSolutionShown(false);
            }}
          >
            Use this solution
          </button>
        </div>
      )}
    </section>
  );
}
