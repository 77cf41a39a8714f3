import "server-only";
import type { Verification } from "@/lib/progress/verification";
import { getPrisma } from "./client";

// Instructor analytics, aggregated in Postgres (one round trip per question, whatever the number
// of learners) and served by the indexes of migration `analytics_indexes`:
//   lesson_progress(lessonKey, completedAt) and exercise_attempt(lessonKey, cellId, verification, userId, at, passed).
// Exercise figures are split by who vouched for the attempts (`verification`): a server-checked
// pass and a browser's word are different evidence, and an instructor must see which is which.
// Every query is a parameterised $queryRaw template: values never become SQL text. Counts are
// cast to int / float8 in SQL so no BigInt reaches callers. Times are epoch milliseconds.

export type LessonStats = { lessonKey: string; started: number; completed: number };

export type FunnelStep = LessonStats & {
  /** 1-based position of the lesson in the chapter. */
  position: number;
  /** Learners who completed this lesson and every lesson before it in the chapter. */
  completedThrough: number;
};

type ExerciseRef = { lessonKey: string; cellId: string };

export type ExerciseStats = ExerciseRef & {
  /** Whose word these attempts are: one row per exercise and verification. */
  verification: Verification;
  attempts: number;
  passedAttempts: number;
  learners: number;
  learnersPassed: number;
  /** Passing attempts / attempts (0 when there are none). */
  attemptPassRate: number;
  /** Learners who passed / learners who tried (0 when nobody tried). */
  learnerPassRate: number;
  /** Median, over learners who passed, of lesson start → first passing attempt; null if none passed. */
  medianTimeToPassMs: number | null;
};

export type ErrorCount = ExerciseRef & {
  verification: Verification;
  message: string;
  count: number;
};

type LearnerSummary = { id: string; name: string; email: string; role: string; createdAt: number };

type LearnerLesson = {
  lessonKey: string;
  startedAt: number;
  completedAt: number | null;
  lastVisitAt: number;
};

type LearnerExercise = ExerciseRef & {
  attempts: number;
  passed: boolean;
  firstAttemptAt: number;
  firstPassAt: number | null;
  lastAttemptAt: number;
  lastError: string | null;
};

export type LearnerDetail = {
  learner: LearnerSummary;
  lessons: LearnerLesson[];
  exercises: LearnerExercise[];
};

export type ActiveLearner = LearnerSummary & {
  lessonsStarted: number;
  lessonsCompleted: number;
  lastActiveAt: number;
};

const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Learners who started and completed each lesson (lessons nobody started get zeros). */
export async function lessonStats(lessonKeys: string[]): Promise<LessonStats[]> {
  if (lessonKeys.length === 0) return [];
  const rows = await getPrisma().$queryRaw<
    { lessonKey: string; started: number; completed: number }[]
  >`
    SELECT k.key AS "lessonKey",
           count(lp."lessonKey")::int AS started,
           count(lp."completedAt")::int AS completed
    FROM unnest(${lessonKeys}::text[]) AS k(key)
    LEFT JOIN "lesson_progress" lp ON lp."lessonKey" = k.key
    GROUP BY k.key`;
  const byKey = new Map(rows.map((row) => [row.lessonKey, row]));
  return lessonKeys.map(
    (lessonKey) => byKey.get(lessonKey) ?? { lessonKey, started: 0, completed: 0 },
  );
}

/**
 * The funnel across a chapter's lessons, in the given order (at most 62 lessons: each learner's
 * completed lessons become one bigint bit mask, so "completed everything up to step i" is a mask test).
 */
export async function chapterFunnel(orderedLessonKeys: string[]): Promise<FunnelStep[]> {
  if (orderedLessonKeys.length === 0) return [];
  if (orderedLessonKeys.length > 62)
    throw new Error("chapterFunnel: at most 62 lessons per chapter");
  const rows = await getPrisma().$queryRaw<
    { position: number; started: number; completed: number; completedThrough: number }[]
  >`
    WITH steps AS (
      SELECT key, ord::int AS ord FROM unnest(${orderedLessonKeys}::text[]) WITH ORDINALITY AS s(key, ord)
    ), per_learner AS (
      SELECT lp."userId",
             bit_or(CASE WHEN lp."completedAt" IS NOT NULL THEN (1::bigint << (s.ord - 1)) ELSE 0::bigint END) AS done
      FROM "lesson_progress" lp JOIN steps s ON s.key = lp."lessonKey"
      GROUP BY lp."userId"
    ), counts AS (
      SELECT s.ord,
             count(lp."lessonKey")::int AS started,
             count(lp."completedAt")::int AS completed
      FROM steps s LEFT JOIN "lesson_progress" lp ON lp."lessonKey" = s.key
      GROUP BY s.ord
    )
    SELECT c.ord AS position, c.started, c.completed,
           (SELECT count(*)::int FROM per_learner p
             WHERE p.done & ((1::bigint << c.ord) - 1) = ((1::bigint << c.ord) - 1)) AS "completedThrough"
    FROM counts c ORDER BY c.ord`;
  return rows.map((row) => ({ ...row, lessonKey: orderedLessonKeys[row.position - 1] ?? "" }));
}

/**
 * Attempts, pass rates and medians for every exercise of the given lessons that has attempts,
 * one row per exercise and verification (server-checked and self-reported never mix).
 */
export async function exerciseStats(lessonKeys: string[]): Promise<ExerciseStats[]> {
  if (lessonKeys.length === 0) return [];
  type Row = Omit<ExerciseStats, "attemptPassRate" | "learnerPassRate">;
  // Per learner first (hash aggregate over an index-only scan), then per exercise. Time to pass
  // runs from the learner opening the lesson (their first attempt if the lesson row is missing).
  const rows = await getPrisma().$queryRaw<Row[]>`
    WITH per_learner AS (
      SELECT "lessonKey", "cellId", "verification", "userId",
             count(*)::int AS attempts,
             count(*) FILTER (WHERE passed)::int AS passed_attempts,
             min("at") AS first_at,
             min("at") FILTER (WHERE passed) AS first_pass_at
      FROM "exercise_attempt"
      WHERE "lessonKey" = ANY(${lessonKeys}::text[])
      GROUP BY "lessonKey", "cellId", "verification", "userId"
    )
    SELECT p."lessonKey", p."cellId", p."verification"::text AS verification,
           sum(p.attempts)::int AS attempts,
           sum(p.passed_attempts)::int AS "passedAttempts",
           count(*)::int AS learners,
           count(p.first_pass_at)::int AS "learnersPassed",
           (percentile_cont(0.5) WITHIN GROUP (
              ORDER BY greatest(0, EXTRACT(EPOCH FROM (p.first_pass_at - least(coalesce(lp."startedAt", p.first_at), p.first_at))) * 1000))
              FILTER (WHERE p.first_pass_at IS NOT NULL))::float8 AS "medianTimeToPassMs"
    FROM per_learner p
    LEFT JOIN "lesson_progress" lp ON lp."userId" = p."userId" AND lp."lessonKey" = p."lessonKey"
    GROUP BY p."lessonKey", p."cellId", p."verification"
    ORDER BY p."lessonKey", p."cellId", p."verification"`;
  return rows.map((row) => ({
    ...row,
    attemptPassRate: rate(row.passedAttempts, row.attempts),
    learnerPassRate: rate(row.learnersPassed, row.learners),
  }));
}

/** The most common error messages of failed attempts, the top `perExercise` for each exercise and verification. */
export async function commonErrors(lessonKeys: string[], perExercise = 3): Promise<ErrorCount[]> {
  if (lessonKeys.length === 0) return [];
  const limit = Math.max(1, Math.min(20, Math.trunc(perExercise)));
  return getPrisma().$queryRaw<ErrorCount[]>`
    SELECT "lessonKey", "cellId", verification::text AS verification, message, count FROM (
      SELECT "lessonKey", "cellId", "verification" AS verification, "errorMessage" AS message, count(*)::int AS count,
             row_number() OVER (PARTITION BY "lessonKey", "cellId", "verification" ORDER BY count(*) DESC, "errorMessage") AS rank
      FROM "exercise_attempt"
      WHERE "lessonKey" = ANY(${lessonKeys}::text[]) AND NOT passed AND "errorMessage" IS NOT NULL
      GROUP BY "lessonKey", "cellId", "verification", "errorMessage"
    ) ranked
    WHERE rank <= ${limit}
    ORDER BY "lessonKey", "cellId", verification, count DESC, message`;
}

// Columns are TIMESTAMP(3) holding UTC; converting to epoch ms in SQL keeps time zones out of the driver.

/** One learner's lessons and exercises, or null when there is no such user. */
export async function learnerDetail(userId: string): Promise<LearnerDetail | null> {
  const prisma = getPrisma();
  const learner = await prisma.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, email: true, role: true, createdAt: true },
  });
  if (!learner) return null;
  const [lessons, exercises] = await Promise.all([
    prisma.$queryRaw<LearnerLesson[]>`
      SELECT "lessonKey", (EXTRACT(EPOCH FROM "startedAt") * 1000)::float8 AS "startedAt", (EXTRACT(EPOCH FROM "completedAt") * 1000)::float8 AS "completedAt", (EXTRACT(EPOCH FROM "lastVisitAt") * 1000)::float8 AS "lastVisitAt"
      FROM "lesson_progress"
      WHERE "userId" = ${userId} ORDER BY "startedAt", "lessonKey"`,
    prisma.$queryRaw<LearnerExercise[]>`
      SELECT "lessonKey", "cellId", count(*)::int AS attempts, bool_or(passed) AS passed,
             (EXTRACT(EPOCH FROM min("at")) * 1000)::float8 AS "firstAttemptAt", (EXTRACT(EPOCH FROM min("at") FILTER (WHERE passed)) * 1000)::float8 AS "firstPassAt",
             (EXTRACT(EPOCH FROM max("at")) * 1000)::float8 AS "lastAttemptAt",
             (array_agg("errorMessage" ORDER BY "at" DESC) FILTER (WHERE NOT passed AND "errorMessage" IS NOT NULL))[1] AS "lastError"
      FROM "exercise_attempt" WHERE "userId" = ${userId}
      GROUP BY "lessonKey", "cellId" ORDER BY "lessonKey", "cellId"`,
  ]);
  return {
    learner: { ...learner, role: String(learner.role), createdAt: learner.createdAt.getTime() },
    lessons,
    exercises,
  };
}

/** The most recently active learners (by last lesson visit), for the instructor's learner list. */
export async function recentLearners(limit = 20): Promise<ActiveLearner[]> {
  const take = Math.max(1, Math.min(200, Math.trunc(limit)));
  return getPrisma().$queryRaw<ActiveLearner[]>`
    SELECT u.id, u.name, u.email, u.role::text AS role, (EXTRACT(EPOCH FROM u."createdAt") * 1000)::float8 AS "createdAt",
           a."lessonsStarted", a."lessonsCompleted", (EXTRACT(EPOCH FROM a."lastActiveAt") * 1000)::float8 AS "lastActiveAt"
    FROM (
      SELECT "userId", count(*)::int AS "lessonsStarted", count("completedAt")::int AS "lessonsCompleted", max("lastVisitAt") AS "lastActiveAt"
      FROM "lesson_progress" GROUP BY "userId"
      ORDER BY max("lastVisitAt") DESC LIMIT ${take}
    ) a JOIN "user" u ON u.id = a."userId"
    ORDER BY a."lastActiveAt" DESC, u.id`;
}
