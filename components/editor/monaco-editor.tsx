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
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter. */
  onRun(): void;
  /** Shift+Enter. */
  onRunAndAdvance(): void;
  /** Esc when no suggestion, find or parameter-hint widget is open. */
  onLeave(): void;
  /** The editor exists and shows the text; the caller may move the caret and focus it. */
  onMount(editor: Monaco.editor.IStandaloneCodeEditor): void;
  /** Language-specific setup (types for tfjs, a grammar for Cypher), run once per Monaco. */
  configure?: (monaco: typeof Monaco) => Promise<void>;
}

const LINE_HEIGHT = 20;
const PADDING = 12;
const monacoInstance = setupMonaco();
const configuredLanguages = new Map<string, Promise<void>>();

/** Esc belongs to these editor widgets while they are open (Monaco's own context keys). */
const ESC_OWNED_BY_WIDGET = [
  "suggestWidgetVisible",
  "findWidgetVisible",
  "parameterHintsVisible",
  "renameInputVisible",
  "referenceSearchVisible",
  "inlineSuggestionVisible",
  "editorHasMultipleSelections",
  "inSnippetMode",
  "accessibilityHelpWidgetVisible",
];

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
  const { markers, onRun, onRunAndAdvance, onLeave, onMount, configure, language, ariaLabel } =
    props;
  const editorRef = useRef<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const keyHandlers = useRef({ onRun, onRunAndAdvance, onLeave });
  // The last text this editor reported: a value prop equal to it is our own change coming back.
  const lastReported = useRef(props.value);
  const [height, setHeight] = useState(
    () => props.value.split("\n").length * LINE_HEIGHT + 2 * PADDING,
  );
  const dark = usePrefersDark();

  useEffect(() => {
    keyHandlers.current = { onRun, onRunAndAdvance, onLeave };
  }, [onRun, onRunAndAdvance, onLeave]);

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
      // No scrollbars take room: the editor is exactly its lines' height, like the static view
      // it replaces (long lines still scroll sideways by wheel, trackpad and caret).
      scrollbar: { alwaysConsumeMouseWheel: false, vertical: "hidden", horizontal: "hidden" },
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
    // Keybindings are global to Monaco (the last editor to register a key wins); a context key
    // that only this editor sets scopes them to it while it has focus.
    const scope = `coursesEditor${editor.getId().replace(/[^A-Za-z0-9]/g, "")}`;
    editor.createContextKey(scope, true);
    const actions = [
      editor.addAction({
        id: "courses.runCellAndAdvance",
        label: "Run cell and move to the next",
        keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter],
        precondition: scope,
        run: () => keyHandlers.current.onRunAndAdvance(),
      }),
      editor.addAction({
        id: "courses.runCell",
        label: "Run cell",
        keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
        precondition: scope,
        run: () => keyHandlers.current.onRun(),
      }),
      editor.addAction({
        id: "courses.leaveEditor",
        label: "Leave the editor (focus the cell)",
        keybindings: [monaco.KeyCode.Escape],
        precondition: scope,
        keybindingContext: ESC_OWNED_BY_WIDGET.map((key) => `!${key}`).join(" && "),
        run: () => keyHandlers.current.onLeave(),
      }),
    ];
    editor.onDidDispose(() => actions.forEach((action) => action.dispose()));
    const resize = () => setHeight(Math.max(editor.getContentHeight(), LINE_HEIGHT + 2 * PADDING));
    editor.onDidContentSizeChange(resize);
    resize();
    onMount(editor);
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
