import type { ServerCell } from "@/lib/progress/merge";
import { getPrisma } from "./client";

// Read side of progress, as plain DTOs (epoch ms, no Prisma types).

/** One cell as stored: the same fields the merge rules work on, plus its id. */
export type CellProgressDto = { cellId: string } & ServerCell;

export type ExerciseSummaryDto = { cellId: string; attempts: number; passed: boolean; lastAttemptAt: number };

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

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());

export async function findLessonProgress(userId: string, lessonKey: string): Promise<LessonProgressDto> {
  const prisma = getPrisma();
  const [lesson, cells, attempts] = await Promise.all([
    prisma.lessonProgress.findUnique({
      where: { userId_lessonKey: { userId, lessonKey } },
      select: { lessonKey: true, startedAt: true, completedAt: true, lastCellId: true, lastVisitAt: true },
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
  const exercises = new Map<string, ExerciseSummaryDto>();
  for (const group of attempts) {
    const entry = exercises.get(group.cellId) ?? { cellId: group.cellId, attempts: 0, passed: false, lastAttemptAt: 0 };
    entry.attempts += group._count._all;
    entry.passed ||= group.passed;
    entry.lastAttemptAt = Math.max(entry.lastAttemptAt, group._max.at?.getTime() ?? 0);
    exercises.set(group.cellId, entry);
  }
  return {
    lessonKey,
    lesson: lesson
      ? { lessonKey: lesson.lessonKey, startedAt: lesson.startedAt.getTime(), completedAt: ms(lesson.completedAt), lastCellId: lesson.lastCellId, lastVisitAt: lesson.lastVisitAt.getTime() }
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
export async function findCatalogueProgress(userId: string): Promise<LessonSummaryDto[]> {
  const rows = await getPrisma().lessonProgress.findMany({
    where: { userId },
    select: { lessonKey: true, startedAt: true, completedAt: true, lastCellId: true, lastVisitAt: true },
  });
  return rows.map((row) => ({
    lessonKey: row.lessonKey,
    startedAt: row.startedAt.getTime(),
    completedAt: ms(row.completedAt),
    lastCellId: row.lastCellId,
    lastVisitAt: row.lastVisitAt.getTime(),
  }));
}

/** Liveness of the database for /api/health. */
export async function pingDatabase(): Promise<boolean> {
  try {
    await getPrisma().$queryRawUnsafe("SELECT 1");
    return true;
  } catch {
    return false;
  }
}
