/**
 * The lesson's code changed under an open page (an author saved the file under `next dev` or in
 * the preview): cells the reader has not edited take the file's new code; an edited cell keeps
 * the reader's code (their work wins) and "Reset" now restores the new lesson code. Cells added
 * to the file appear, removed ones go. Pure, so the rule is tested without React.
 */
import { createNotebookState, type NotebookState } from "./reducer";
import type { CellKind } from "./types";

interface LessonCellCode {
  id: string;
  kind: CellKind;
  code: string;
}

export function followLessonCode(
  state: NotebookState,
  cells: readonly LessonCellCode[],
): NotebookState {
  const fresh = createNotebookState([...cells]);
  let changed = cells.length !== state.order.length;
  const next: NotebookState["cells"] = {};
  for (const spec of cells) {
    const before = state.cells[spec.id];
    if (!before || before.kind !== spec.kind) {
      next[spec.id] = fresh.cells[spec.id]!;
      changed = true;
      continue;
    }
    if (before.lessonCode === spec.code) {
      next[spec.id] = before;
      continue;
    }
    const edited = before.code !== before.lessonCode;
    next[spec.id] = {
      ...before,
      lessonCode: spec.code,
      code: edited ? before.code : spec.code,
      // Markers point into the old code; a conflict offered the old lesson code.
      markers: edited ? before.markers : [],
      conflict: before.conflict ? { ...before.conflict, lessonCode: spec.code } : null,
    };
    changed = true;
  }
  if (!changed && fresh.order.every((id, i) => state.order[i] === id)) return state;
  return { order: fresh.order, cells: next };
}
