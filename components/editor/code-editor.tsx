"use client";
import dynamic from "next/dynamic";
import type * as Monaco from "monaco-editor";
import {
  useEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type KeyboardEvent,
  type MouseEvent,
  type RefObject,
} from "react";
import type { CodeMarker } from "@/lib/notebook/types";
import { registerEditor } from "./cell-focus";
import {
  coalesce,
  pendingInputFromKey,
  textOffsetAtPoint,
  type PendingInput,
} from "./static-input";
import styles from "./code-editor.module.css";

const MonacoEditor = dynamic(() => import("./monaco-editor").then((m) => m.MonacoEditor), {
  ssr: false,
});

/** How long the pointer rests over the code before Monaco loads (scrolling past does not count). */
const HOVER_INTENT_MS = 120;

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
  /** Ctrl/Cmd+Enter: run the cell and stay. */
  onRun(): void;
  /** Shift+Enter: run the cell and move on to the next one. */
  onRunAndAdvance(): void;
  /** Esc (no editor widget open): leave the editor for the cell. */
  onLeave(): void;
  configure?: (monaco: typeof Monaco) => Promise<void>;
}

function applyInput(editor: Monaco.editor.IStandaloneCodeEditor, input: PendingInput): void {
  const model = editor.getModel();
  if (!model) return;
  if (input.kind === "caret") editor.setPosition(model.getPositionAt(input.offset));
  else if (input.kind === "text") editor.trigger("keyboard", "type", { text: input.text });
  else editor.trigger("keyboard", input.command, null);
}

/**
 * Shows code as static highlighted HTML and loads Monaco only on intent: the pointer resting
 * over the code, focus, a click or typing. The caret lands where the learner clicked, keys typed
 * while Monaco loads are replayed into it, and the static view has Monaco's metrics, so nothing
 * shifts when Monaco takes its place.
 */
export function CodeEditor(props: CodeEditorProps) {
  const holder = useRef<HTMLDivElement>(null);
  const staticView = useRef<HTMLElement>(null);
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const pending = useRef<PendingInput[]>([]);
  const hoverTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [wanted, setWanted] = useState(false);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    return registerEditor(element, {
      focus: () => (editorRef.current ? editorRef.current.focus() : staticView.current?.focus()),
    });
  }, []);

  useEffect(() => () => clearTimeout(hoverTimer.current), []);

  const handleMount = (editor: Monaco.editor.IStandaloneCodeEditor) => {
    editorRef.current = editor;
    editor.onDidDispose(() => {
      if (editorRef.current === editor) editorRef.current = null;
    });
    const inputs = coalesce(pending.current);
    pending.current = [];
    // The static view had focus: the learner is in this cell, so the caret moves to Monaco
    // before the static view goes away (and not if they have since moved elsewhere).
    const view = staticView.current;
    const hadFocus = view !== null && view.contains(document.activeElement);
    for (const input of inputs) applyInput(editor, input);
    if (hadFocus || inputs.length > 0) editor.focus();
    setReady(true);
  };

  const want = () => {
    clearTimeout(hoverTimer.current);
    setWanted(true);
  };

  const onStaticMouseDown = (event: MouseEvent<HTMLElement>) => {
    const view = staticView.current;
    if (!view || event.button !== 0) return;
    const offset = textOffsetAtPoint(view, event.clientX, event.clientY);
    if (offset !== null) pending.current.push({ kind: "caret", offset });
    want();
  };

  const onStaticKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const command = event.ctrlKey || event.metaKey;
    if (event.key === "Enter" && (event.shiftKey || command)) {
      event.preventDefault();
      if (event.shiftKey && !command) props.onRunAndAdvance();
      else props.onRun();
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      props.onLeave();
      return;
    }
    const input = pendingInputFromKey(event.nativeEvent);
    if (!input) return;
    event.preventDefault();
    pending.current.push(input);
    want();
  };

  const staticProps = {
    tabIndex: 0,
    onFocus: want,
    onMouseDown: onStaticMouseDown,
    onKeyDown: onStaticKeyDown,
    onPaste: (event: ClipboardEvent<HTMLElement>) => {
      const text = event.clipboardData.getData("text/plain");
      if (!text) return;
      event.preventDefault();
      pending.current.push({ kind: "text", text });
      want();
    },
  };

  return (
    <div
      ref={holder}
      className={styles.editor}
      data-editor-state={ready ? "ready" : wanted ? "loading" : "static"}
      onPointerEnter={() => {
        if (wanted) return;
        clearTimeout(hoverTimer.current);
        hoverTimer.current = setTimeout(() => setWanted(true), HOVER_INTENT_MS);
      }}
      onPointerLeave={() => clearTimeout(hoverTimer.current)}
    >
      {wanted && (
        <div className={ready ? styles.live : styles.hiddenLive}>
          <MonacoEditor
            value={props.code}
            language={props.language}
            ariaLabel={props.ariaLabel}
            markers={props.markers}
            onChange={props.onChange}
            onRun={props.onRun}
            onRunAndAdvance={props.onRunAndAdvance}
            onLeave={props.onLeave}
            onMount={handleMount}
            configure={props.configure}
          />
        </div>
      )}
      {!ready &&
        (props.edited ? (
          <pre
            {...staticProps}
            ref={staticView as RefObject<HTMLPreElement>}
            className={`shiki ${styles.fallback}`}
            role="textbox"
            aria-multiline="true"
            aria-label={props.ariaLabel}
          >
            <code>{props.code}</code>
          </pre>
        ) : (
          <div
            {...staticProps}
            ref={staticView as RefObject<HTMLDivElement>}
            className={styles.fallback}
            role="textbox"
            aria-multiline="true"
            aria-label={props.ariaLabel}
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
