/**
 * The static (server-highlighted) view of a cell's code stands in for Monaco until the learner
 * shows intent. These helpers carry what the learner did there over to Monaco: where they clicked
 * (a text offset) and what they typed while Monaco loaded (replayed once it is ready).
 */

/** One keystroke typed into the static view, as the Monaco edit or cursor move it stands for. */
export type PendingInput =
  | { kind: "text"; text: string }
  | { kind: "command"; command: EditorCommand }
  /** A click: the caret goes to this offset in the code. */
  | { kind: "caret"; offset: number };

type EditorCommand =
  | "deleteLeft"
  | "deleteRight"
  | "cursorLeft"
  | "cursorRight"
  | "cursorUp"
  | "cursorDown"
  | "cursorHome"
  | "cursorEnd";

const COMMAND_KEYS: Record<string, EditorCommand> = {
  Backspace: "deleteLeft",
  Delete: "deleteRight",
  ArrowLeft: "cursorLeft",
  ArrowRight: "cursorRight",
  ArrowUp: "cursorUp",
  ArrowDown: "cursorDown",
  Home: "cursorHome",
  End: "cursorEnd",
};

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  isComposing?: boolean;
}

/**
 * What a key pressed in the static view means for the editor, or null for keys that are not
 * editing (Tab moves focus, Esc and the run shortcuts belong to the cell, Ctrl+C copies).
 */
export function pendingInputFromKey(event: KeyLike): PendingInput | null {
  if (event.isComposing || event.ctrlKey || event.metaKey) return null;
  if (event.key === "Enter") return event.shiftKey ? null : { kind: "text", text: "\n" };
  const command = COMMAND_KEYS[event.key];
  if (command) return event.shiftKey || event.altKey ? null : { kind: "command", command };
  // Printable keys have a one-character name ("a", "?", " "); named keys are longer ("Shift").
  if ([...event.key].length === 1) return { kind: "text", text: event.key };
  return null;
}

/** Joins consecutive text so a burst of typing becomes one edit. */
export function coalesce(inputs: readonly PendingInput[]): PendingInput[] {
  const out: PendingInput[] = [];
  for (const input of inputs) {
    const last = out.at(-1);
    if (input.kind === "text" && last?.kind === "text") {
      out[out.length - 1] = { kind: "text", text: last.text + input.text };
    } else {
      out.push(input);
    }
  }
  return out;
}

interface CaretDocument {
  caretPositionFromPoint?(x: number, y: number): { offsetNode: Node; offset: number } | null;
  caretRangeFromPoint?(x: number, y: number): Range | null;
}

/**
 * The offset in `root`'s text (the code, as the static view renders it line for line) of the
 * point the learner clicked, or null when the point is not in the code.
 */
export function textOffsetAtPoint(root: Element, x: number, y: number): number | null {
  const doc = root.ownerDocument as Document & CaretDocument;
  let node: Node | null = null;
  let offset = 0;
  const position = doc.caretPositionFromPoint?.(x, y);
  if (position) {
    node = position.offsetNode;
    offset = position.offset;
  } else {
    const range = doc.caretRangeFromPoint?.(x, y);
    if (range) {
      node = range.startContainer;
      offset = range.startOffset;
    }
  }
  if (!node || !root.contains(node)) return null;
  const before = doc.createRange();
  before.setStart(root, 0);
  before.setEnd(node, offset);
  return before.toString().length;
}
