// zod/mini: the same validation at a fraction of the size, since this runs on every lesson page.
import * as z from "zod/mini";

/**
 * Keeps a learner's edited code in the browser, per lesson and cell, until accounts sync it.
 * Stores the lesson code the edit started from, so a changed lesson is noticed, never overwritten.
 */
const entrySchema = z.object({ code: z.string(), lessonCode: z.string(), savedAt: z.number() });
export type SavedCode = z.infer<typeof entrySchema>;

const PREFIX = "courses:code:";
const keyFor = (lessonKey: string, cellId: string) => `${PREFIX}${lessonKey}:${cellId}`;

export function loadSavedCode(storage: Storage, lessonKey: string, cellId: string): SavedCode | null {
  try {
    const raw = storage.getItem(keyFor(lessonKey, cellId));
    if (raw === null) return null;
    const parsed = entrySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveCode(storage: Storage, lessonKey: string, cellId: string, code: string, lessonCode: string): void {
  try {
    if (code === lessonCode) storage.removeItem(keyFor(lessonKey, cellId));
    else storage.setItem(keyFor(lessonKey, cellId), JSON.stringify({ code, lessonCode, savedAt: Date.now() } satisfies SavedCode));
  } catch {
    // Storage full or disabled (private mode): the edit stays in memory for this visit.
  }
}

export type RestoreDecision =
  | { type: "none" }
  | { type: "restore"; code: string }
  | { type: "conflict"; mine: string; lessonCode: string };

/** What to do with a saved edit when the page loads. Pure. */
export function decideRestore(saved: SavedCode | null, currentLessonCode: string): RestoreDecision {
  if (!saved || saved.code === currentLessonCode) return { type: "none" };
  if (saved.lessonCode === currentLessonCode) return { type: "restore", code: saved.code };
  return { type: "conflict", mine: saved.code, lessonCode: currentLessonCode };
}
