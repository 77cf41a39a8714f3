/**
 * What a runtime is told when a cell runs: the cell with the learner's current code, the same
 * kind's cells above it, and every cell of the lesson with its attributes, so that each cell
 * kind builds its own context (the notebook knows nothing of any kind).
 */
import type { NotebookState } from "./reducer";
import type { CellKind, LessonCellSource, RunRequest } from "./types";

/** A cell as the lesson declares it (what the notebook is given for each cell). */
export interface NotebookCellSpec {
  id: string;
  kind: CellKind;
  role: "cell" | "exercise";
  code: string;
  attributes: Record<string, string>;
  check?: string;
}

export function buildRunRequest(
  lessonKey: string,
  specs: readonly NotebookCellSpec[],
  state: NotebookState,
  id: string,
): RunRequest {
  const lessonCells: LessonCellSource[] = specs.map((s) => ({
    id: s.id,
    kind: s.kind,
    code: state.cells[s.id]?.code ?? s.code,
    attributes: s.attributes,
  }));
  const index = lessonCells.findIndex((c) => c.id === id);
  const cell = lessonCells[index];
  const spec = specs[index];
  if (!cell || !spec) throw new RangeError(`no cell "${id}" in the lesson`);
  return {
    lessonKey,
    cell: { id: cell.id, kind: cell.kind, code: cell.code },
    previousCells: lessonCells
      .slice(0, index)
      .filter((c) => c.kind === cell.kind)
      .map(({ id: otherId, kind, code }) => ({ id: otherId, kind, code })),
    lessonCells,
    attributes: { ...spec.attributes, role: spec.role },
  };
}
