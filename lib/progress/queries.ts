import "server-only";
import { findCatalogProgress, findLessonProgress } from "@/lib/db/progress-reads";
import type { LessonProgressDto, LessonSummaryDto } from "./dto";

/** One lesson's saved state for the signed-in user (cells, exercises, where they left off). */
export function getLessonProgressForUser(
  userId: string,
  lessonKey: string,
): Promise<LessonProgressDto> {
  return findLessonProgress(userId, lessonKey);
}

/** lessonKey → the user's start/completion, for the catalogue and chapter completion. */
export async function getCatalogProgress(
  userId: string,
): Promise<Record<string, LessonSummaryDto>> {
  const rows = await findCatalogProgress(userId);
  return Object.fromEntries(rows.map((row) => [row.lessonKey, row]));
}
