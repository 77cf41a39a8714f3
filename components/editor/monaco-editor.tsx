"use client";
import Editor, { type OnMount } from "@monaco-editor/react";
import type * as Monaco from "monaco-editor";
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import type { CodeMarker } from "@/lib/notebook/types";
import { setupMonaco } from "./monaco-setup";

export interface MonacoEditorProps {
  value: string;
  language: string;
  ariaLabel: string;
  markers: CodeMarker[];
  autoFocus: boolean;
  onChange(value: string): void;
  onRun(): void;
  onReady(): void;
  /** Language-specific setup (types for tfjs, a grammar for Cypher), run once per Monaco. */
  configure?: (monaco: typeof Monaco) => Promise<void>;
}

const LINE_HEIGHT = 20;
const PADDING = 12;
const monacoInstance = setupMonaco();
const configuredLanguages = new Map<string, Promise<void>>();

const darkQuery = "(prefers-color-scheme: dark)";
function subscribeToScheme(onChange: () => void): () => void {
  const query = window.matchMedia(darkQuery);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

function usePrefersDark(): boolean {
  return useSyncExternalStore(
    subscribeToScheme,
    () => window.matchMedia(darkQuery).matches,
    () => false,
  );
}

/** The real editor. Grows with its content, so the page does not jump when it replaces the <pre>. */
export function MonacoEditor(props: MonacoEditorProps) {
  const { markers, onRun, onReady, configure, language, ariaLabel } = props;
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const onRunRef = useRef(onRun);
  // The last text this editor reported: a value prop equal to it is our own change coming back.
  const lastReported = useRef(props.value);
  const [height, setHeight] = useState(
    () => props.value.split("\n").length * LINE_HEIGHT + 2 * PADDING,
  );
  const dark = usePrefersDark();

  useEffect(() => {
    onRunRef.current = onRun;
  }, [onRun]);

  // The editor owns its text while the learner types (a controlled value drops keystrokes);
  // changes from outside (reset, restore, "use this solution") are pushed in as one undoable edit.
  // The echo of the learner's own typing is skipped: by the time it re-renders, the model may hold
  // keystrokes typed since, and replacing the text with the echo would drop them.
  useEffect(() => {
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (props.value === lastReported.current) return;
    lastReported.current = props.value;
    if (!editor || !model || model.getValue() === props.value) return;
    editor.pushUndoStop();
    editor.executeEdits("courses", [{ range: model.getFullModelRange(), text: props.value }]);
    editor.pushUndoStop();
  }, [props.value]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    monacoInstance.editor.setModelMarkers(
      model,
      "courses",
      markers.map((m) => ({
        severity: monacoInstance.MarkerSeverity.Error,
        message: m.message,
        startLineNumber: m.line,
        startColumn: m.column ?? 1,
        endLineNumber: m.endLine ?? m.line,
        endColumn:
          m.endColumn ??
          (m.column
            ? m.column + 1
            : model.getLineMaxColumn(Math.min(m.line, model.getLineCount()))),
      })),
    );
  }, [markers]);

  // One object per editor: @monaco-editor/react calls updateOptions whenever the object changes,
  // and a relayout of every editor on each notebook update made training frames take 100-300 ms.
  const options = useMemo<Monaco.editor.IStandaloneEditorConstructionOptions>(
    () => ({
      ariaLabel,
      fontSize: 13.5,
      lineHeight: LINE_HEIGHT,
      fontFamily:
        'ui-monospace, "SFMono-Regular", "Cascadia Code", "Roboto Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      scrollbar: { alwaysConsumeMouseWheel: false, vertical: "hidden" },
      overviewRulerLanes: 0,
      lineNumbers: "off",
      glyphMargin: false,
      folding: false,
      renderLineHighlight: "none",
      padding: { top: PADDING, bottom: PADDING },
      automaticLayout: true,
      tabSize: language === "rust" ? 4 : 2,
      wordWrap: "off",
      fixedOverflowWidgets: true,
      accessibilitySupport: "auto",
      // Monaco's EditContext input drops characters typed quickly (seen here at ~1 ms per key,
      // reported by users of other Monaco apps at human speed); the textarea input does not.
      editContext: false,
      tabFocusMode: false,
    }),
    [ariaLabel, language],
  );

  const handleMount: OnMount = (editor, monaco) => {
    editorRef.current = editor;
    // A reset or restore that arrived while Monaco was still loading.
    if (editor.getValue() !== lastReported.current) editor.setValue(lastReported.current);
    if (configure) {
      let configured = configuredLanguages.get(language);
      if (!configured) {
        configured = configure(monaco);
        configuredLanguages.set(language, configured);
      }
      configured.then(
        () => {
          // A language that `configure` registers (Cypher) reaches models made before it.
          const model = editor.getModel();
          if (model && model.getLanguageId() !== language)
            monaco.editor.setModelLanguage(model, language);
        },
        (error: unknown) => {
          configuredLanguages.delete(language);
          console.error(`[editor] could not set up ${language}:`, error);
        },
      );
    }
    editor.addCommand(monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => onRunRef.current());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => onRunRef.current());
    const resize = () => setHeight(Math.max(editor.getContentHeight(), LINE_HEIGHT + 2 * PADDING));
    editor.onDidContentSizeChange(resize);
    resize();
    if (props.autoFocus) editor.focus();
    onReady();
  };

  return (
    <Editor
      height={height}
      defaultValue={props.value}
      language={language}
      theme={dark ? "courses-dark" : "courses-light"}
      onChange={(v) => {
        lastReported.current = v ?? "";
        props.onChange(lastReported.current);
      }}
      onMount={handleMount}
      loading={null}
      options={options}
    />
  );
}
