/**
 * When a lesson counts as completed: every exercise in it passed. A lesson without exercises
 * is completed once each of its cells has run without an error. Pure.
 */
export function isLessonComplete(
  cells: readonly { id: string; role: "cell" | "exercise" }[],
  passedExercises: ReadonlySet<string>,
  cellsRunOk: ReadonlySet<string>,
): boolean {
  if (cells.length === 0) return false;
  const exercises = cells.filter((cell) => cell.role === "exercise");
  return exercises.length > 0
    ? exercises.every((cell) => passedExercises.has(cell.id))
    : cells.every((cell) => cellsRunOk.has(cell.id));
}
