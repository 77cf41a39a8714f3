import { findCatalogueProgress, findLessonProgress, type LessonProgressDto, type LessonSummaryDto } from "@/lib/db/progress-reads";

export type { CellProgressDto, ExerciseSummaryDto, LessonProgressDto, LessonSummaryDto } from "@/lib/db/progress-reads";

/** One lesson's saved state for the signed-in user (cells, exercises, where they left off). */
export function getLessonProgressForUser(userId: string, lessonKey: string): Promise<LessonProgressDto> {
  return findLessonProgress(userId, lessonKey);
}

/** lessonKey → the user's start/completion, for the catalogue and chapter completion. */
export async function getCatalogueProgress(userId: string): Promise<Record<string, LessonSummaryDto>> {
  const rows = await findCatalogueProgress(userId);
  return Object.fromEntries(rows.map((row) => [row.lessonKey, row]));
}
