/**
 * Keyboard focus between a notebook's cells and their editors (Jupyter's conventions):
 * Esc leaves an editor for its cell, Enter on a cell goes back into its editor, Shift+Enter
 * moves on to the next cell's editor. Each code editor registers how to focus it on its
 * holder element (`[data-editor-state]`), whether Monaco has loaded yet or not.
 */

interface FocusableEditor {
  focus(): void;
}

const editors = new WeakMap<Element, FocusableEditor>();

const CELL_SELECTOR = "section[data-cell-id]";
const EDITOR_SELECTOR = "[data-editor-state]";

/** Called by a code editor for its holder; returns the unregister function. */
export function registerEditor(holder: Element, editor: FocusableEditor): () => void {
  editors.set(holder, editor);
  return () => {
    if (editors.get(holder) === editor) editors.delete(holder);
  };
}

/** Puts the caret in the cell's editor; a cell without a visible editor takes focus itself. */
function focusCellEditor(cell: HTMLElement): void {
  const holder = cell.querySelector(EDITOR_SELECTOR);
  const editor = holder ? editors.get(holder) : undefined;
  if (holder && editor) {
    holder.scrollIntoView({ block: "nearest" });
    editor.focus();
  } else {
    cell.focus();
  }
}

/** The cell after `cell` in the page, or null after the last one. */
function nextCell(cell: HTMLElement): HTMLElement | null {
  const cells = [...cell.ownerDocument.querySelectorAll<HTMLElement>(CELL_SELECTOR)];
  const index = cells.indexOf(cell);
  return index >= 0 ? (cells[index + 1] ?? null) : null;
}

/** Shift+Enter's move: to the next cell's editor; after the last cell, focus stays. */
export function focusNextCell(cell: HTMLElement): void {
  const next = nextCell(cell);
  if (next) focusCellEditor(next);
}

const TABBABLE = [
  "a[href]",
  "button:not([disabled])",
  "input:not([disabled]):not([type=hidden])",
  "select:not([disabled])",
  "textarea:not([disabled])",
  "summary",
  "[tabindex]",
].join(",");

function isTabbable(element: HTMLElement): boolean {
  if (element.tabIndex < 0) return false;
  if (element.closest("[inert]")) return false;
  // Closed <details> hide their content (but not their <summary>).
  const details = element.parentElement?.closest("details:not([open])");
  if (details && element.tagName !== "SUMMARY") return false;
  return element.getClientRects().length > 0;
}

/**
 * The first tabbable element after the cell's code (its outputs, hints, then the page after the
 * cell): Tab from a cell left by Esc moves on instead of cycling back into the same editor.
 */
function tabbableAfterEditor(cell: HTMLElement): HTMLElement | null {
  const anchor = cell.querySelector(EDITOR_SELECTOR) ?? cell;
  const all = [...cell.ownerDocument.querySelectorAll<HTMLElement>(TABBABLE)];
  return (
    all.find(
      (element) =>
        !anchor.contains(element) &&
        (anchor.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 &&
        isTabbable(element),
    ) ?? null
  );
}

/** Keys typed where they are text (editors, inputs) are not page shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target.closest(
      "input, textarea, select, [contenteditable=''], [contenteditable=true], [role=textbox], .monaco-editor",
    ) !== null
  );
}

interface CellKeyEvent {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  target: EventTarget | null;
  currentTarget: EventTarget & HTMLElement;
  preventDefault(): void;
}

/**
 * Keys on a cell that has focus itself (after Esc): Enter goes back into its editor, Tab moves
 * on past its code. Keys inside the cell (buttons, the editor) are left alone.
 */
export function handleCellKeyDown(event: CellKeyEvent): void {
  const cell = event.currentTarget;
  if (event.target !== cell || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    focusCellEditor(cell);
  } else if (event.key === "Tab" && !event.shiftKey) {
    const next = tabbableAfterEditor(cell);
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }
}
