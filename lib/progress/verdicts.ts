import "server-only";
import { randomUUID } from "node:crypto";
import { invalidateAnalytics } from "@/lib/cache/app-cache";
import { insertServerAttempt } from "@/lib/db/progress-repository";
import { defaultLessonIndex, type LessonIndex } from "./lesson-index";
import { MAX_ERROR_CHARS } from "./schemas";
import { isServerChecked } from "./verification";

// Exercise verdicts the server computed itself: the Cypher and Rust check routes run the
// lesson's own check on the learner's code and record the outcome here. These are the only
// attempts stored as `verification = server`; sync never writes one.

export type ServerVerdictInput = {
  userId: string;
  lessonKey: string;
  cellId: string;
  passed: boolean;
  durationMs: number;
  /** Why it failed, as the learner was told (ignored for a pass). */
  errorMessage?: string | null;
};

export type RecordOptions = { lessons?: LessonIndex; now?: number };

const MAX_DURATION_MS = 86_400_000;

/**
 * Stores one server-checked attempt, timed by the server's clock. Throws for a lesson or cell
 * that is not a Cypher or Rust exercise of the catalogue: the caller found the check there, so
 * anything else is a bug, not a learner's input.
 */
export async function recordServerVerdict(
  input: ServerVerdictInput,
  options: RecordOptions = {},
): Promise<{ id: string; at: number }> {
  const now = options.now ?? Date.now();
  const cell = (options.lessons ?? defaultLessonIndex(now))
    .get(input.lessonKey)
    ?.cells.get(input.cellId);
  if (!cell || cell.role !== "exercise" || !isServerChecked(cell.kind)) {
    throw new Error(
      `recordServerVerdict: '${input.cellId}' in '${input.lessonKey}' is not a Cypher or Rust exercise of the catalogue`,
    );
  }
  const id = randomUUID();
  await insertServerAttempt(input.userId, {
    id,
    lessonKey: input.lessonKey,
    cellId: input.cellId,
    passed: input.passed,
    at: now,
    durationMs: Math.min(
      MAX_DURATION_MS,
      Math.max(0, Math.round(Number.isFinite(input.durationMs) ? input.durationMs : 0)),
    ),
    errorMessage:
      input.passed || !input.errorMessage
        ? null
        : storableText(input.errorMessage, MAX_ERROR_CHARS),
  });
  // Instructors' figures count this attempt; the cache must not hide it for minutes.
  await invalidateAnalytics().catch(() => undefined);
  return { id, at: now };
}

/**
 * Text Postgres will take: no NUL, no unpaired surrogate, at most `max` UTF-16 units and never
 * cut between the two halves of a pair (a compiler's message can hold anything).
 */
export function storableText(text: string, max: number): string {
  let cut = text.replaceAll("\u0000", "").toWellFormed();
  if (cut.length > max) {
    cut = cut.slice(0, max);
    const last = cut.charCodeAt(cut.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  }
  return cut;
}
