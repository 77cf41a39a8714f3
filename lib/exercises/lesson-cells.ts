/**
 * The server's own copy of a lesson's cells, for runs and exercise checks: the browser names a
 * lesson and a cell and sends the learner's code; everything else (which cell is an exercise,
 * its check, its dataset, the project's manifest) comes from the lesson source here. So a
 * learner can change their code but never the check it is judged by.
 */
import { getCatalog } from "@/lib/content/catalog";
import { fileOf, rustProjectFiles, type ProjectFileText } from "@/lib/cells/rust/project";
import type { LessonBlock, LessonCell } from "@/lib/content/parse-lesson";
import type { CellKind } from "@/lib/notebook/types";

export type LessonCellRef = {
  lessonKey: string;
  /** The lesson's cells of this kind, in order. */
  cells: LessonCell[];
  /** Position of the cell in `cells`. */
  index: number;
  cell: LessonCell;
  blocks: LessonBlock[];
};

export type LookupFailure = { ok: false; status: 404 | 422; message: string };
export type Lookup<T> = ({ ok: true } & T) | LookupFailure;

type LessonSource = (lessonKey: string) => { cells: LessonCell[]; blocks: LessonBlock[] } | null;

// getCatalog caches the catalogue until a content file changes: an author's saved check is used
// by the very next run, and "Run all" does not parse every lesson once per cell.
const fromCatalog: LessonSource = (lessonKey) => {
  const entry = getCatalog().lessons.get(lessonKey);
  return entry ? { cells: entry.parsed.cells, blocks: entry.parsed.blocks } : null;
};

/** A cell of this kind in a lesson of the catalogue, or why not (404 unknown, 422 wrong kind). */
export function findLessonCell(
  lessonKey: string,
  cellId: string,
  kind: CellKind,
  source: LessonSource = fromCatalog,
): Lookup<LessonCellRef> {
  const lesson = source(lessonKey);
  if (!lesson) return { ok: false, status: 404, message: `There is no lesson "${lessonKey}".` };
  const cell = lesson.cells.find((c) => c.id === cellId);
  if (!cell)
    return {
      ok: false,
      status: 404,
      message: `The lesson "${lessonKey}" has no cell "${cellId}".`,
    };
  if (cell.kind !== kind)
    return {
      ok: false,
      status: 422,
      message: `The cell "${cellId}" is a ${cell.kind} cell, not a ${kind} cell.`,
    };
  const cells = lesson.cells.filter((c) => c.kind === kind);
  return { ok: true, lessonKey, cells, index: cells.indexOf(cell), cell, blocks: lesson.blocks };
}

/** As findLessonCell, for an exercise: its check comes from the lesson. */
export function findExercise(
  lessonKey: string,
  cellId: string,
  kind: CellKind,
  source: LessonSource = fromCatalog,
): Lookup<LessonCellRef & { check: string }> {
  const found = findLessonCell(lessonKey, cellId, kind, source);
  if (!found.ok) return found;
  if (found.cell.role !== "exercise" || found.cell.check === undefined) {
    return {
      ok: false,
      status: 422,
      message: `The cell "${cellId}" is not an exercise, so there is nothing to check.`,
    };
  }
  return { ...found, check: found.cell.check };
}

/**
 * What a cell holds when the lesson is solved up to it: the solution for an exercise, the
 * lesson's code otherwise. content:check proves every check against exactly this state.
 */
const solvedCode = (cell: LessonCell): string =>
  cell.role === "exercise" && cell.solution !== undefined ? cell.solution : cell.code;

/**
 * The Cypher cells above this one, in lesson order. For a run, with the learner's code where
 * they sent it (their edits are theirs to explore with) and the lesson's code otherwise. For a
 * check, always the lesson's, solved: a check compares the exercise's rows with what the graph
 * holds, and an earlier cell that emptied the graph would make an empty answer "correct".
 * A cell id that is not a Cypher cell above this one is refused either way.
 */
export function cypherCellsAbove(
  ref: LessonCellRef,
  learner: { id: string; code: string }[],
  purpose: "run" | "check",
): Lookup<{ queries: string[]; labels: string[] }> {
  const above = ref.cells.slice(0, ref.index);
  const known = new Set(above.map((c) => c.id));
  const unknown = learner.find((c) => !known.has(c.id));
  if (unknown)
    return {
      ok: false,
      status: 422,
      message: `"${unknown.id}" is not a Cypher cell above "${ref.cell.id}" in this lesson.`,
    };
  const code = new Map(learner.map((c) => [c.id, c.code]));
  const queries = above.map((c) =>
    purpose === "check" ? solvedCode(c) : (code.get(c.id) ?? c.code),
  );
  return { ok: true, queries, labels: above.map((c) => c.id) };
}

/**
 * The Cargo project of a Rust cell: the lesson decides which files it has and its Cargo.toml
 * (a crafted manifest could switch the test harness off). For a run, the learner's files supply
 * the Rust code; for a check only this cell's file is the learner's and the others are the
 * lesson's, solved (a macro defined in another file could otherwise stand in for `assert!`).
 * A file the project does not have is refused, and so is a project without this cell's file.
 */
export function rustProjectForCell(
  ref: LessonCellRef,
  learner: ProjectFileText[],
  purpose: "run" | "check",
): Lookup<{ files: ProjectFileText[]; file: string }> {
  const file = fileOf(ref.cell);
  const own = learner.find((f) => f.path === file);
  const solved = ref.cells.map((c, i) => (i < ref.index ? { ...c, code: solvedCode(c) } : c));
  const lesson = rustProjectFiles(solved, ref.index, ref.cell.code);
  const paths = new Set(lesson.map((f) => f.path));
  const stranger = learner.find((f) => !paths.has(f.path));
  if (stranger)
    return {
      ok: false,
      status: 422,
      message: `"${stranger.path}" is not a file of this lesson's project.`,
    };
  if (!own)
    return {
      ok: false,
      status: 422,
      message: `The project is missing "${file}", the file of cell "${ref.cell.id}".`,
    };
  const code = new Map(learner.map((f) => [f.path, f.content]));
  const files = lesson.map((f) => {
    if (f.path === "Cargo.toml") return f;
    if (f.path === file) return own;
    return purpose === "check" ? f : { path: f.path, content: code.get(f.path) ?? f.content };
  });
  return { ok: true, files, file };
}
