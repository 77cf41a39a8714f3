import { pickLessonSummary, type ServerLesson } from "./merge";
import { ANONYMOUS, type LocalLesson, type Owner } from "./storage";

/** A lesson's mark in the catalogue. */
export type LessonMark = { state: "completed" | "started"; lastCellId: string | null };

/**
 * lessonKey → mark, from this browser's lessons and (signed in) the server's list. Work done
 * before signing in counts too: it joins the account the next time that lesson opens.
 */
export function catalogMarks(input: {
  owner: Owner;
  local: LocalLesson[];
  server: ({ lessonKey: string } & ServerLesson)[] | null;
  /** Lessons with visits, completions or resets not yet acknowledged by the server. */
  pendingLessons: Set<string>;
}): Record<string, LessonMark> {
  const local = new Map<string, LocalLesson>();
  // The account's own copy wins over anonymous work in the same lesson.
  for (const lesson of [...input.local].sort(
    (a, b) => Number(a.owner !== ANONYMOUS) - Number(b.owner !== ANONYMOUS),
  )) {
    if (lesson.owner === input.owner || lesson.owner === ANONYMOUS)
      local.set(lesson.lessonKey, lesson);
  }
  const server = new Map((input.server ?? []).map((lesson) => [lesson.lessonKey, lesson]));
  const marks: Record<string, LessonMark> = {};
  for (const lessonKey of new Set([...local.keys(), ...server.keys()])) {
    const lesson = pickLessonSummary(
      local.get(lessonKey),
      server.get(lessonKey),
      input.pendingLessons.has(lessonKey) || local.get(lessonKey)?.owner === ANONYMOUS,
    );
    if (lesson)
      marks[lessonKey] = {
        state: lesson.completedAt === null ? "started" : "completed",
        lastCellId: lesson.lastCellId,
      };
  }
  return marks;
}

/** "2 of 3 lessons completed" for a chapter: counts of its lessons' marks. */
export function chapterCompletion(
  lessonKeys: string[],
  marks: Record<string, LessonMark>,
): { completed: number; started: number; total: number } {
  let completed = 0;
  let started = 0;
  for (const key of lessonKeys) {
    if (marks[key]?.state === "completed") completed += 1;
    else if (marks[key]) started += 1;
  }
  return { completed, started, total: lessonKeys.length };
}
