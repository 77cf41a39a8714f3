import "server-only";
import { readThroughCatalogProgress } from "@/lib/cache/app-cache";
import { findCatalogProgress, findLessonProgress } from "@/lib/db/progress-reads";
import type { LessonProgressDto, LessonSummaryDto } from "./dto";

/** One lesson's saved state for the signed-in user (cells, exercises, where they left off). */
export function getLessonProgressForUser(
  userId: string,
  lessonKey: string,
): Promise<LessonProgressDto> {
  return findLessonProgress(userId, lessonKey);
}

/**
 * lessonKey → the user's start/completion, for the catalogue and chapter completion. Read on
 * every catalogue view, changed only by lesson events: cached (lib/cache), and invalidated by
 * the sync that writes them (applySyncBatch).
 */
export async function getCatalogProgress(
  userId: string,
): Promise<Record<string, LessonSummaryDto>> {
  const rows = await readThroughCatalogProgress(userId, () => findCatalogProgress(userId));
  return Object.fromEntries(rows.map((row) => [row.lessonKey, row]));
}
