"use client";
import dynamic from "next/dynamic";
import type * as Monaco from "monaco-editor";
import { useEffect, useRef, useState } from "react";
import type { CodeMarker } from "@/lib/notebook/types";
import styles from "./code-editor.module.css";

const MonacoEditor = dynamic(() => import("./monaco-editor").then((m) => m.MonacoEditor), {
  ssr: false,
});

export interface CodeEditorProps {
  /** Highlighted HTML of the lesson's code, rendered on the server (trusted: made by shiki). */
  highlightedHtml: string;
  /** True while the learner's code differs from the lesson code (the highlighted HTML is stale). */
  edited: boolean;
  code: string;
  language: string;
  ariaLabel: string;
  markers: CodeMarker[];
  onChange(code: string): void;
  onRun(): void;
  configure?: (monaco: typeof Monaco) => Promise<void>;
}

/**
 * Shows code as static highlighted HTML first; loads Monaco when the cell scrolls near the
 * viewport or gets focus. The fallback has the same metrics as Monaco, so nothing shifts.
 */
export function CodeEditor(props: CodeEditorProps) {
  const holder = useRef<HTMLDivElement>(null);
  const [wanted, setWanted] = useState(false);
  const [focusOnLoad, setFocusOnLoad] = useState(false);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const element = holder.current;
    if (!element || wanted) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setWanted(true);
      },
      { rootMargin: "200px 0px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [wanted]);

  const activate = () => {
    setFocusOnLoad(true);
    setWanted(true);
  };

  return (
    <div
      ref={holder}
      className={styles.editor}
      data-editor-state={ready ? "ready" : wanted ? "loading" : "static"}
    >
      {wanted && (
        <div className={ready ? styles.live : styles.hiddenLive}>
          <MonacoEditor
            value={props.code}
            language={props.language}
            ariaLabel={props.ariaLabel}
            markers={props.markers}
            autoFocus={focusOnLoad}
            onChange={props.onChange}
            onRun={props.onRun}
            onReady={() => setReady(true)}
            configure={props.configure}
          />
        </div>
      )}
      {!ready &&
        (props.edited ? (
          <pre
            className={`shiki ${styles.fallback}`}
            tabIndex={0}
            aria-label={`${props.ariaLabel} (loading editor)`}
            onFocus={activate}
            onClick={activate}
          >
            <code>{props.code}</code>
          </pre>
        ) : (
          <div
            className={styles.fallback}
            tabIndex={0}
            role="textbox"
            aria-readonly="true"
            aria-multiline="true"
            aria-label={`${props.ariaLabel} (loading editor)`}
            onFocus={activate}
            onClick={activate}
            dangerouslySetInnerHTML={{ __html: props.highlightedHtml }}
          />
        ))}
      {wanted && !ready && (
        <span className={styles.loading} role="status">
          Loading editor…
        </span>
      )}
    </div>
  );
}
