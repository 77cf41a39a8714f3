import "server-only";
import { getPrisma } from "./client";
import type { StoredCell } from "./progress-rows";

// Read side of progress, as plain rows (epoch ms, no Prisma types).

type StoredCellRow = { cellId: string } & StoredCell;

type ExerciseSummaryRow = {
  cellId: string;
  attempts: number;
  passed: boolean;
  lastAttemptAt: number;
};

export type LessonSummaryRow = {
  lessonKey: string;
  startedAt: number;
  completedAt: number | null;
  lastCellId: string | null;
  lastVisitAt: number;
};

export type LessonProgressRow = {
  lessonKey: string;
  lesson: LessonSummaryRow | null;
  cells: StoredCellRow[];
  exercises: ExerciseSummaryRow[];
};

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());

export async function findLessonProgress(
  userId: string,
  lessonKey: string,
): Promise<LessonProgressRow> {
  const prisma = getPrisma();
  const [lesson, cells, attempts] = await Promise.all([
    prisma.lessonProgress.findUnique({
      where: { userId_lessonKey: { userId, lessonKey } },
      select: {
        lessonKey: true,
        startedAt: true,
        completedAt: true,
        lastCellId: true,
        lastVisitAt: true,
      },
    }),
    prisma.cellState.findMany({
      where: { userId, lessonKey },
      select: {
        cellId: true,
        code: true,
        version: true,
        lessonCodeHash: true,
        codeUpdatedAt: true,
        lastRunStatus: true,
        lastRunAt: true,
        lastRunDurationMs: true,
        lastRunError: true,
      },
      orderBy: { cellId: "asc" },
    }),
    prisma.exerciseAttempt.groupBy({
      by: ["cellId", "passed"],
      where: { userId, lessonKey },
      _count: { _all: true },
      _max: { at: true },
    }),
  ]);
  const exercises = new Map<string, ExerciseSummaryRow>();
  for (const group of attempts) {
    const entry = exercises.get(group.cellId) ?? {
      cellId: group.cellId,
      attempts: 0,
      passed: false,
      lastAttemptAt: 0,
    };
    entry.attempts += group._count._all;
    entry.passed ||= group.passed;
    entry.lastAttemptAt = Math.max(entry.lastAttemptAt, group._max.at?.getTime() ?? 0);
    exercises.set(group.cellId, entry);
  }
  return {
    lessonKey,
    lesson: lesson
      ? {
          lessonKey: lesson.lessonKey,
          startedAt: lesson.startedAt.getTime(),
          completedAt: ms(lesson.completedAt),
          lastCellId: lesson.lastCellId,
          lastVisitAt: lesson.lastVisitAt.getTime(),
        }
      : null,
    cells: cells.map((cell) => ({
      ...cell,
      codeUpdatedAt: ms(cell.codeUpdatedAt),
      lastRunAt: ms(cell.lastRunAt),
    })),
    exercises: [...exercises.values()],
  };
}

/** Every lesson the user started, for the catalogue's done / in-progress marks. */
export async function findCatalogProgress(userId: string): Promise<LessonSummaryRow[]> {
  const rows = await getPrisma().lessonProgress.findMany({
    where: { userId },
    select: {
      lessonKey: true,
      startedAt: true,
      completedAt: true,
      lastCellId: true,
      lastVisitAt: true,
    },
  });
  return rows.map((row) => ({
    lessonKey: row.lessonKey,
    startedAt: row.startedAt.getTime(),
    completedAt: ms(row.completedAt),
    lastCellId: row.lastCellId,
    lastVisitAt: row.lastVisitAt.getTime(),
  }));
}
