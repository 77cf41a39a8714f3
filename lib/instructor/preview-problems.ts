import type { ContentCheckLesson } from "./content-check-result";
/** The problems to show on one cell of the lesson preview. */
export type CellProblems = { cellId: string; source: string; messages: string[] };

// Which cell each problem of a lesson belongs to, for the preview's in-place notes.

/** A problem at or after a cell's fence and before the next cell's belongs to that cell. */
export function cellOfLine(cells: { id: string; line: number }[], line: number): string | null {
  let owner: string | null = null;
  for (const cell of [...cells].sort((a, b) => a.line - b.line))
    if (cell.line <= line) owner = cell.id;
  return owner;
}

export function problemsInPlace(
  cells: { id: string; line: number }[],
  validation: { line: number; message: string }[],
  checked: ContentCheckLesson | undefined,
): CellProblems[] {
  const byCell = new Map<string, string[]>();
  for (const p of validation) {
    const cellId = cellOfLine(cells, p.line);
    if (cellId) byCell.set(cellId, [...(byCell.get(cellId) ?? []), `line ${p.line}: ${p.message}`]);
  }
  const out: CellProblems[] = [...byCell].map(([cellId, messages]) => ({
    cellId,
    source: "Validation",
    messages,
  }));
  for (const cell of checked?.cells ?? []) {
    if (cell.status === "failed")
      out.push({
        cellId: cell.id,
        source: "content:check failed",
        messages: cell.problems.length > 0 ? cell.problems : ["failed"],
      });
  }
  return out;
}
