import "server-only";
import type { Verification } from "@/lib/progress/verification";
import { getPrisma } from "./client";
import { ALL_LEARNERS, learnerScopeCondition, type LearnerScope } from "./learner-scope";

// Instructor analytics, aggregated in Postgres (one round trip per question, whatever the number
// of learners) and served by the indexes of migration `analytics_indexes`:
//   lesson_progress(lessonKey, completedAt) and exercise_attempt(lessonKey, cellId, verification, userId, at, passed).
// Exercise figures are split by who vouched for the attempts (`verification`): a server-checked
// pass and a browser's word are different evidence, and an instructor must see which is which.
// Every query is a parameterised $queryRaw template: values never become SQL text. Counts are
// cast to int / float8 in SQL so no BigInt reaches callers. Times are epoch milliseconds.
// Every aggregate takes a LearnerScope (learner-scope.ts): everyone, or the members of classes —
// and in every scope learners only: instructors' and admins' own runs never count.
//
// Time to pass, everywhere: from a learner's FIRST ATTEMPT at an exercise to their FIRST PASSING
// attempt. A pass on the first attempt is a "first try" (time 0, attempts to pass 1).

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
  /** Median, over learners who passed, of first attempt → first passing attempt; null if none passed. */
  medianTimeToPassMs: number | null;
  /** Learners whose first attempt passed. */
  learnersFirstTry: number;
  /** Median, over learners who passed, of their attempts up to and including the first pass. */
  medianAttemptsToPass: number | null;
};

/** One lesson of a track-wide funnel: learners who opened it, attempted its exercises, passed them all. */
type TrackFunnelStep = {
  lessonKey: string;
  position: number;
  opened: number;
  /** Learners with at least one attempt at one of its exercises (0 for a lesson without exercises). */
  attempted: number;
  /** Learners who passed every exercise of the lesson (0 for a lesson without exercises). */
  passed: number;
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
  /** Attempts up to and including the first pass (1 = first try); null if not passed. */
  attemptsToPass: number | null;
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

type LearnerPage = { learners: ActiveLearner[]; total: number };

/** A learner's own copy of one exercise cell (null code: still the lesson's starter). */
type LearnerCellCode = {
  code: string | null;
  codeUpdatedAt: number | null;
  lastRunStatus: string | null;
  lastRunAt: number | null;
  lastRunError: string | null;
};

const rate = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/** Learners who started and completed each lesson (lessons nobody started get zeros). */
export async function lessonStats(
  lessonKeys: string[],
  scope: LearnerScope = ALL_LEARNERS,
): Promise<LessonStats[]> {
  if (lessonKeys.length === 0) return [];
  const rows = await getPrisma().$queryRaw<
    { lessonKey: string; started: number; completed: number }[]
  >`
    SELECT k.key AS "lessonKey",
           count(lp."lessonKey")::int AS started,
           count(lp."completedAt")::int AS completed
    FROM unnest(${lessonKeys}::text[]) AS k(key)
    LEFT JOIN "lesson_progress" lp ON lp."lessonKey" = k.key${learnerScopeCondition(scope, 'lp."userId"')}
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
export async function chapterFunnel(
  orderedLessonKeys: string[],
  scope: LearnerScope = ALL_LEARNERS,
): Promise<FunnelStep[]> {
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
      WHERE true${learnerScopeCondition(scope, 'lp."userId"')}
      GROUP BY lp."userId"
    ), counts AS (
      SELECT s.ord,
             count(lp."lessonKey")::int AS started,
             count(lp."completedAt")::int AS completed
      FROM steps s LEFT JOIN "lesson_progress" lp ON lp."lessonKey" = s.key${learnerScopeCondition(scope, 'lp."userId"')}
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
export async function exerciseStats(
  lessonKeys: string[],
  scope: LearnerScope = ALL_LEARNERS,
): Promise<ExerciseStats[]> {
  if (lessonKeys.length === 0) return [];
  type Row = Omit<ExerciseStats, "attemptPassRate" | "learnerPassRate">;
  // Per learner first (numbered in the index's own order, so no sort), then per exercise. A
  // learner's attempts to pass = the number of their first passing attempt.
  const rows = await getPrisma().$queryRaw<Row[]>`
    WITH numbered AS (
      SELECT "lessonKey", "cellId", "verification", "userId", "at", passed,
             row_number() OVER (PARTITION BY "lessonKey", "cellId", "verification", "userId" ORDER BY "at") AS n
      FROM "exercise_attempt"
      WHERE "lessonKey" = ANY(${lessonKeys}::text[])${learnerScopeCondition(scope, '"userId"')}
    ), per_learner AS (
      SELECT "lessonKey", "cellId", "verification", "userId",
             count(*)::int AS attempts,
             count(*) FILTER (WHERE passed)::int AS passed_attempts,
             min("at") AS first_at,
             min("at") FILTER (WHERE passed) AS first_pass_at,
             min(n) FILTER (WHERE passed) AS attempts_to_pass
      FROM numbered
      GROUP BY "lessonKey", "cellId", "verification", "userId"
    )
    SELECT p."lessonKey", p."cellId", p."verification"::text AS verification,
           sum(p.attempts)::int AS attempts,
           sum(p.passed_attempts)::int AS "passedAttempts",
           count(*)::int AS learners,
           count(p.first_pass_at)::int AS "learnersPassed",
           count(*) FILTER (WHERE p.attempts_to_pass = 1)::int AS "learnersFirstTry",
           (percentile_cont(0.5) WITHIN GROUP (
              ORDER BY EXTRACT(EPOCH FROM (p.first_pass_at - p.first_at)) * 1000)
              FILTER (WHERE p.first_pass_at IS NOT NULL))::float8 AS "medianTimeToPassMs",
           (percentile_cont(0.5) WITHIN GROUP (ORDER BY p.attempts_to_pass)
              FILTER (WHERE p.attempts_to_pass IS NOT NULL))::float8 AS "medianAttemptsToPass"
    FROM per_learner p
    GROUP BY p."lessonKey", p."cellId", p."verification"
    ORDER BY p."lessonKey", p."cellId", p."verification"`;
  return rows.map((row) => ({
    ...row,
    attemptPassRate: rate(row.passedAttempts, row.attempts),
    learnerPassRate: rate(row.learnersPassed, row.learners),
  }));
}

/**
 * A whole track's lessons in order: how many learners opened each lesson, attempted its
 * exercises, and passed all of them (either verification counts as a pass here).
 */
export async function trackFunnel(
  lessons: { key: string; exerciseIds: string[] }[],
  scope: LearnerScope = ALL_LEARNERS,
): Promise<TrackFunnelStep[]> {
  if (lessons.length === 0) return [];
  const keys = lessons.map((l) => l.key);
  const exerciseKeys = lessons.flatMap((l) => l.exerciseIds.map(() => l.key));
  const exerciseIds = lessons.flatMap((l) => l.exerciseIds);
  const rows = await getPrisma().$queryRaw<Omit<TrackFunnelStep, "lessonKey">[]>`
    WITH steps AS (
      SELECT key, ord::int AS ord FROM unnest(${keys}::text[]) WITH ORDINALITY AS s(key, ord)
    ), exercises AS (
      SELECT DISTINCT key, cell FROM unnest(${exerciseKeys}::text[], ${exerciseIds}::text[]) AS e(key, cell)
    ), needed AS (
      SELECT key, count(*)::int AS n FROM exercises GROUP BY key
    ), opened AS (
      SELECT "lessonKey" AS key, count(*)::int AS n FROM "lesson_progress"
      WHERE "lessonKey" = ANY(${keys}::text[])${learnerScopeCondition(scope, '"userId"')}
      GROUP BY "lessonKey"
    ), per_learner AS (
      SELECT a."lessonKey" AS key, a."userId",
             count(DISTINCT a."cellId") FILTER (WHERE a.passed)::int AS passed_cells
      FROM "exercise_attempt" a
      JOIN exercises e ON e.key = a."lessonKey" AND e.cell = a."cellId"
      WHERE a."lessonKey" = ANY(${keys}::text[])${learnerScopeCondition(scope, 'a."userId"')}
      GROUP BY a."lessonKey", a."userId"
    )
    SELECT s.ord AS position, coalesce(o.n, 0)::int AS opened,
           count(p."userId")::int AS attempted,
           count(p."userId") FILTER (WHERE p.passed_cells >= n.n)::int AS passed
    FROM steps s
    LEFT JOIN opened o ON o.key = s.key
    LEFT JOIN needed n ON n.key = s.key
    LEFT JOIN per_learner p ON p.key = s.key
    GROUP BY s.ord, o.n, n.n
    ORDER BY s.ord`;
  return rows.map((row) => ({ ...row, lessonKey: keys[row.position - 1] ?? "" }));
}

/** The most common error messages of failed attempts, the top `perExercise` for each exercise and verification. */
export async function commonErrors(
  lessonKeys: string[],
  perExercise = 3,
  scope: LearnerScope = ALL_LEARNERS,
): Promise<ErrorCount[]> {
  if (lessonKeys.length === 0) return [];
  const limit = Math.max(1, Math.min(20, Math.trunc(perExercise)));
  return getPrisma().$queryRaw<ErrorCount[]>`
    SELECT "lessonKey", "cellId", verification::text AS verification, message, count FROM (
      SELECT "lessonKey", "cellId", "verification" AS verification, "errorMessage" AS message, count(*)::int AS count,
             row_number() OVER (PARTITION BY "lessonKey", "cellId", "verification" ORDER BY count(*) DESC, "errorMessage") AS rank
      FROM "exercise_attempt"
      WHERE "lessonKey" = ANY(${lessonKeys}::text[]) AND NOT passed AND "errorMessage" IS NOT NULL${learnerScopeCondition(scope, '"userId"')}
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
             (count(*) FILTER (WHERE "at" <= (SELECT min(f."at") FROM "exercise_attempt" f
                WHERE f."userId" = a."userId" AND f."lessonKey" = a."lessonKey" AND f."cellId" = a."cellId" AND f.passed)))::int AS "attemptsToPass",
             (EXTRACT(EPOCH FROM max("at")) * 1000)::float8 AS "lastAttemptAt",
             (array_agg("errorMessage" ORDER BY "at" DESC) FILTER (WHERE NOT passed AND "errorMessage" IS NOT NULL))[1] AS "lastError"
      FROM "exercise_attempt" a WHERE "userId" = ${userId}
      GROUP BY "userId", "lessonKey", "cellId" ORDER BY "lessonKey", "cellId"`,
  ]);
  return {
    learner: { ...learner, role: String(learner.role), createdAt: learner.createdAt.getTime() },
    lessons,
    exercises: exercises.map((e) => ({ ...e, attemptsToPass: e.passed ? e.attemptsToPass : null })),
  };
}

/**
 * Learners (never instructors or admins) who started a lesson, most recently active first, one
 * page at a time, with the total for paging.
 */
export async function learnerPage(
  { offset = 0, limit = 25 }: { offset?: number; limit?: number } = {},
  scope: LearnerScope = ALL_LEARNERS,
): Promise<LearnerPage> {
  const take = Math.max(1, Math.min(200, Math.trunc(limit)));
  const skip = Math.max(0, Math.trunc(offset));
  const prisma = getPrisma();
  const [learners, [count]] = await Promise.all([
    prisma.$queryRaw<ActiveLearner[]>`
      SELECT u.id, u.name, u.email, u.role::text AS role, (EXTRACT(EPOCH FROM u."createdAt") * 1000)::float8 AS "createdAt",
             a."lessonsStarted", a."lessonsCompleted", (EXTRACT(EPOCH FROM a."lastActiveAt") * 1000)::float8 AS "lastActiveAt"
      FROM (
        SELECT "userId", count(*)::int AS "lessonsStarted", count("completedAt")::int AS "lessonsCompleted", max("lastVisitAt") AS "lastActiveAt"
        FROM "lesson_progress" WHERE true${learnerScopeCondition(scope, '"userId"')} GROUP BY "userId"
        ORDER BY max("lastVisitAt") DESC, "userId" LIMIT ${take} OFFSET ${skip}
      ) a JOIN "user" u ON u.id = a."userId"
      ORDER BY a."lastActiveAt" DESC, u.id`,
    prisma.$queryRaw<{ total: number }[]>`
      SELECT count(DISTINCT "userId")::int AS total FROM "lesson_progress"
      WHERE true${learnerScopeCondition(scope, '"userId"')}`,
  ]);
  return { learners, total: count?.total ?? 0 };
}

/** The most recently active learners: the first page of learnerPage. */
export async function recentLearners(
  limit = 20,
  scope: LearnerScope = ALL_LEARNERS,
): Promise<ActiveLearner[]> {
  return (await learnerPage({ limit }, scope)).learners;
}

/** A learner's current code of one cell, or null when they never changed or ran it. */
export async function learnerCellCode(
  userId: string,
  lessonKey: string,
  cellId: string,
): Promise<LearnerCellCode | null> {
  const rows = await getPrisma().$queryRaw<LearnerCellCode[]>`
    SELECT "code", (EXTRACT(EPOCH FROM "codeUpdatedAt") * 1000)::float8 AS "codeUpdatedAt",
           "lastRunStatus", (EXTRACT(EPOCH FROM "lastRunAt") * 1000)::float8 AS "lastRunAt", "lastRunError"
    FROM "cell_state" WHERE "userId" = ${userId} AND "lessonKey" = ${lessonKey} AND "cellId" = ${cellId}`;
  return rows[0] ?? null;
}

/**
 * An instructor's reset of one learner's exercise, in one transaction: the learner's code goes
 * back to the lesson's starter (as a new version, so an older copy on their device loses the
 * merge: lib/progress/merge.ts), the exercise's attempts are deleted (it counts as not tried) and
 * the lesson is no longer completed.
 */
export async function resetLearnerExercise(
  userId: string,
  lessonKey: string,
  cellId: string,
  now = Date.now(),
): Promise<{ attemptsRemoved: number; codeReset: boolean }> {
  const prisma = getPrisma();
  const at = new Date(now).toISOString();
  const [codeReset, attemptsRemoved] = await prisma.$transaction([
    prisma.$executeRaw`
      UPDATE "cell_state" SET "code" = NULL, "version" = "version" + 1, "lessonCodeHash" = NULL,
             "codeUpdatedAt" = ${at}::timestamp, "lastRunStatus" = NULL, "lastRunAt" = NULL,
             "lastRunDurationMs" = NULL, "lastRunError" = NULL, "updatedAt" = ${at}::timestamp
      WHERE "userId" = ${userId} AND "lessonKey" = ${lessonKey} AND "cellId" = ${cellId}`,
    prisma.$executeRaw`
      DELETE FROM "exercise_attempt"
      WHERE "userId" = ${userId} AND "lessonKey" = ${lessonKey} AND "cellId" = ${cellId}`,
    prisma.$executeRaw`
      UPDATE "lesson_progress" SET "completedAt" = NULL, "updatedAt" = ${at}::timestamp
      WHERE "userId" = ${userId} AND "lessonKey" = ${lessonKey} AND "completedAt" IS NOT NULL`,
  ]);
  return { attemptsRemoved, codeReset: codeReset > 0 };
}
