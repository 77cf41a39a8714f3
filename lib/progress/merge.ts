import type { CodeMutation, LessonMutation, RunMutation } from "./schemas";

// Pure merge rules, shared by the server (applying batches) and tests. Times are epoch ms.
//
// Code, per cell, by version: the server counts accepted code writes in `version`. A write based
// on the current version (clientVersion >= version) fast-forwards. A write based on an older
// version means another device wrote in between; then the later edit (by `at`) wins and the
// earlier one is reported stale so its device adopts the winner. Runs keep the latest by `at`.

export type ServerCell = {
  code: string | null;
  version: number;
  lessonCodeHash: string | null;
  codeUpdatedAt: number | null;
  lastRunStatus: string | null;
  lastRunAt: number | null;
  lastRunDurationMs: number | null;
  lastRunError: string | null;
};

export type ServerLesson = {
  startedAt: number;
  completedAt: number | null;
  lastCellId: string | null;
  lastVisitAt: number;
};

export type MergeOutcome = "applied" | "stale";

/** Client clocks can be wrong; a time far in the future would win every later conflict. */
const MAX_CLOCK_SKEW_MS = 60_000;
export function clampClientTime(at: number, serverNow: number): number {
  return Math.min(at, serverNow + MAX_CLOCK_SKEW_MS);
}

const EMPTY_CELL: ServerCell = {
  code: null,
  version: 0,
  lessonCodeHash: null,
  codeUpdatedAt: null,
  lastRunStatus: null,
  lastRunAt: null,
  lastRunDurationMs: null,
  lastRunError: null,
};

export function mergeCodeMutation(
  current: ServerCell | null,
  mutation: CodeMutation,
): { cell: ServerCell; outcome: MergeOutcome } {
  const cell = current ?? EMPTY_CELL;
  const basedOnLatest = mutation.clientVersion >= cell.version;
  const laterThanStored = cell.codeUpdatedAt === null || mutation.at > cell.codeUpdatedAt;
  if (!basedOnLatest && !laterThanStored) return { cell, outcome: "stale" };
  return {
    cell: {
      ...cell,
      code: mutation.payload.code,
      lessonCodeHash: mutation.payload.lessonCodeHash,
      version: cell.version + 1,
      codeUpdatedAt:
        cell.codeUpdatedAt === null ? mutation.at : Math.max(cell.codeUpdatedAt, mutation.at),
    },
    outcome: "applied",
  };
}

export function mergeRunMutation(
  current: ServerCell | null,
  mutation: RunMutation,
): { cell: ServerCell; outcome: MergeOutcome } {
  const cell = current ?? EMPTY_CELL;
  if (cell.lastRunAt !== null && mutation.at < cell.lastRunAt) return { cell, outcome: "stale" };
  return {
    cell: {
      ...cell,
      lastRunStatus: mutation.payload.status,
      lastRunAt: mutation.at,
      lastRunDurationMs: mutation.payload.durationMs,
      lastRunError: mutation.payload.errorMessage ?? null,
    },
    outcome: "applied",
  };
}

/**
 * Where the learner is in a lesson, from this browser's copy and the server's. Changes not yet
 * acknowledged (pending) are the latest; otherwise the server has every device's.
 */
export function pickLessonSummary(
  local: ServerLesson | undefined,
  server: ServerLesson | null | undefined,
  pending: boolean,
): ServerLesson | null {
  if (pending || !server) return local ?? server ?? null;
  return server;
}

export type LessonMergeResult = {
  lesson: ServerLesson;
  /** For "reset": drop the lesson's cells whose last change is not after this time. */
  resetCellsUpTo: number | null;
  outcome: MergeOutcome;
};

export function mergeLessonMutation(
  current: ServerLesson | null,
  mutation: LessonMutation,
): LessonMergeResult {
  const at = mutation.at;
  const lesson: ServerLesson = current ?? {
    startedAt: at,
    completedAt: null,
    lastCellId: null,
    lastVisitAt: at,
  };
  switch (mutation.payload.event) {
    case "visit": {
      const newer = current === null || at >= lesson.lastVisitAt;
      return {
        lesson: {
          ...lesson,
          startedAt: Math.min(lesson.startedAt, at),
          lastCellId: newer ? mutation.cellId : lesson.lastCellId,
          lastVisitAt: Math.max(lesson.lastVisitAt, at),
        },
        resetCellsUpTo: null,
        outcome: newer ? "applied" : "stale",
      };
    }
    case "complete":
      // The first completion is the one that counts.
      return {
        lesson: {
          ...lesson,
          startedAt: Math.min(lesson.startedAt, at),
          completedAt: lesson.completedAt === null ? at : Math.min(lesson.completedAt, at),
        },
        resetCellsUpTo: null,
        outcome: "applied",
      };
    case "reset":
      return {
        lesson: {
          startedAt: lesson.startedAt,
          completedAt: null,
          lastCellId: null,
          lastVisitAt: Math.max(lesson.lastVisitAt, at),
        },
        resetCellsUpTo: at,
        outcome: "applied",
      };
    default: {
      const unreachable: never = mutation.payload.event;
      throw new Error(`unknown lesson event ${String(unreachable)}`);
    }
  }
}

// ---- a changed lesson ----

export type LessonCodeDecision =
  | { kind: "lesson" }
  | { kind: "learner" }
  | { kind: "conflict"; learnerCode: string; lessonCode: string };

/**
 * Which code a cell shows when it opens. The learner's edit is never dropped silently: when the
 * instructor changed the lesson's code after the learner started from the old one, the UI must
 * ask "keep mine / take the new lesson code".
 */
export function decideCellCode(input: {
  learnerCode: string | null;
  learnerBaseHash: string | null;
  lessonCode: string;
  lessonHash: string;
}): LessonCodeDecision {
  if (input.learnerCode === null || input.learnerCode === input.lessonCode)
    return { kind: "lesson" };
  if (input.learnerBaseHash === null || input.learnerBaseHash === input.lessonHash)
    return { kind: "learner" };
  return { kind: "conflict", learnerCode: input.learnerCode, lessonCode: input.lessonCode };
}
