/**
 * The saved result of the last content:check (read by the instructor pages:
 * components/instructor/content-check-result.ts): `{ finishedAt, lessons: LessonReport[] }`.
 * A filtered run updates only the lessons it ran and keeps the others' last result. Pure.
 */
import type { LessonReport } from "./check-lesson";

export interface SavedResult {
  finishedAt: string;
  lessons: LessonReport[];
}

/** Merges this run into the previous file's lessons (by key), dropping lessons no longer in the catalogue. */
export function mergeResults(previous: unknown, run: LessonReport[], knownKeys: string[], finishedAt: Date): SavedResult {
  const byKey = new Map<string, LessonReport>();
  const earlier = typeof previous === "object" && previous !== null && Array.isArray((previous as { lessons?: unknown }).lessons) ? (previous as { lessons: unknown[] }).lessons : [];
  for (const lesson of earlier) {
    if (typeof lesson === "object" && lesson !== null && typeof (lesson as { key?: unknown }).key === "string") {
      byKey.set((lesson as LessonReport).key, lesson as LessonReport);
    }
  }
  for (const lesson of run) byKey.set(lesson.key, lesson);
  const order = new Map(knownKeys.map((k, i) => [k, i]));
  const lessons = [...byKey.values()].filter((l) => order.has(l.key)).sort((a, b) => order.get(a.key)! - order.get(b.key)!);
  return { finishedAt: finishedAt.toISOString(), lessons };
}
