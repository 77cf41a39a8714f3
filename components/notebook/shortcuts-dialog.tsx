"use client";
import { useEffect, useId, useRef } from "react";
import { isTypingTarget } from "@/components/editor/cell-focus";
import styles from "./shortcuts-dialog.module.css";

interface Shortcut {
  keys: string[][];
  action: string;
}

/** The notebook's real shortcuts (cell.tsx, code-editor.tsx, monaco-editor.tsx and Monaco's own). */
const SHORTCUTS: { title: string; shortcuts: Shortcut[] }[] = [
  {
    title: "In a cell's code",
    shortcuts: [
      { keys: [["Shift", "Enter"]], action: "Run the cell and move to the next cell" },
      {
        keys: [
          ["Ctrl", "Enter"],
          ["⌘", "Enter"],
        ],
        action: "Run the cell and stay in it",
      },
      { keys: [["Esc"]], action: "Leave the editor (the cell keeps focus)" },
      { keys: [["Ctrl", "Space"]], action: "Show completions" },
      { keys: [["Ctrl", "F"]], action: "Find in the cell" },
      { keys: [["Ctrl", "Z"]], action: "Undo" },
    ],
  },
  {
    title: "On a cell (after Esc)",
    shortcuts: [
      { keys: [["Enter"]], action: "Edit the cell's code" },
      { keys: [["Tab"]], action: "Move on past the code" },
      { keys: [["Shift", "Tab"]], action: "Move back" },
    ],
  },
  {
    title: "Anywhere outside an editor",
    shortcuts: [{ keys: [["?"]], action: "Show these shortcuts" }],
  },
];

function Keys({ keys }: { keys: string[][] }) {
  return (
    <>
      {keys.map((combo, i) => (
        <span key={combo.join("+")}>
          {i > 0 && " or "}
          {combo.map((key, j) => (
            <span key={key}>
              {j > 0 && "+"}
              <kbd>{key}</kbd>
            </span>
          ))}
        </span>
      ))}
    </>
  );
}

/**
 * The toolbar's shortcut hint and its "?" button, and the dialog listing every shortcut.
 * `?` typed outside an editor or input opens it too; Esc closes it and focus goes back.
 */
export function ShortcutsHint() {
  const dialog = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const titleId = useId();

  const open = () => {
    const element = dialog.current;
    if (!element || element.open) return;
    returnFocus.current =
      document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element.showModal();
  };

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "?" || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.defaultPrevented || isTypingTarget(event.target)) return;
      event.preventDefault();
      open();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <>
      <span className={styles.hint}>
        <span>
          <kbd>Shift</kbd>+<kbd>Enter</kbd> run
        </span>{" "}
        <span aria-hidden="true">·</span>{" "}
        <span>
          <kbd>Esc</kbd> leave editor
        </span>{" "}
        <span aria-hidden="true">·</span>{" "}
        <button
          type="button"
          className={styles.help}
          onClick={open}
          aria-haspopup="dialog"
          title="Keyboard shortcuts (?)"
        >
          <kbd>?</kbd> shortcuts
        </button>
      </span>
      <dialog
        ref={dialog}
        className={styles.dialog}
        aria-labelledby={titleId}
        onClose={() => {
          const target = returnFocus.current;
          returnFocus.current = null;
          if (target?.isConnected) target.focus();
        }}
        onClick={(event) => {
          // A click on the backdrop (the dialog element itself, outside its content) closes it.
          if (event.target === dialog.current) dialog.current.close();
        }}
      >
        <div className={styles.content}>
          <h2 id={titleId}>Keyboard shortcuts</h2>
          {SHORTCUTS.map((group) => (
            <section key={group.title}>
              <h3>{group.title}</h3>
              <dl className={styles.list}>
                {group.shortcuts.map((shortcut) => (
                  <div key={shortcut.action} className={styles.row}>
                    <dt>
                      <Keys keys={shortcut.keys} />
                    </dt>
                    <dd>{shortcut.action}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
          <form method="dialog" className={styles.actions}>
            <button type="submit" className="button">
              Close
            </button>
          </form>
        </div>
      </dialog>
    </>
  );
}
