import type { ServerCell } from "./merge";

// What GET /api/progress and /api/progress/lessons answer: shared by the route (server) and the
// browser's progress store, so it lives here and not beside the repository that reads it.

/** One cell as stored: the same fields the merge rules work on, plus its id. */
export type CellProgressDto = { cellId: string } & ServerCell;

type ExerciseSummaryDto = {
  cellId: string;
  attempts: number;
  passed: boolean;
  lastAttemptAt: number;
};

export type LessonSummaryDto = {
  lessonKey: string;
  startedAt: number;
  completedAt: number | null;
  lastCellId: string | null;
  lastVisitAt: number;
};

export type LessonProgressDto = {
  lessonKey: string;
  lesson: LessonSummaryDto | null;
  cells: CellProgressDto[];
  exercises: ExerciseSummaryDto[];
};
