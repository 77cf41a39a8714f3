import type { LessonCell } from "./parse-lesson";

/** What the browser's notebook is given for a cell. */
export interface ClientCellSpec {
  id: string;
  kind: LessonCell["kind"];
  role: LessonCell["role"];
  code: string;
  attributes: Record<string, string>;
  check?: string;
}

/**
 * Picks the fields the notebook needs, by name, never by spreading the cell: a LessonCell also
 * carries author-only material (its `wrong` answers) that must not reach the page.
 */
export function clientCellSpec(cell: LessonCell): ClientCellSpec {
  return {
    id: cell.id,
    kind: cell.kind,
    role: cell.role,
    code: cell.code,
    attributes: cell.attributes,
    ...(cell.check !== undefined ? { check: cell.check } : {}),
  };
}
