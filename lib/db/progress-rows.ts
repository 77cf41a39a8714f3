// The progress tables' rows as the repositories hand them out: plain values, epoch ms, no Prisma
// types. lib/progress's merge rules work on the same shape (structurally), but the database
// layer owns its rows and does not import the domain.

/** A cell_state row without its keys. */
export type StoredCell = {
  code: string | null;
  version: number;
  lessonCodeHash: string | null;
  codeUpdatedAt: number | null;
  lastRunStatus: string | null;
  lastRunAt: number | null;
  lastRunDurationMs: number | null;
  lastRunError: string | null;
};

/** A lesson_progress row without its keys. */
export type StoredLesson = {
  startedAt: number;
  completedAt: number | null;
  lastCellId: string | null;
  lastVisitAt: number;
};
