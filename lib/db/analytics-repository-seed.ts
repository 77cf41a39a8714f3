import "server-only";
import { getPrisma } from "./client";

// Bulk writes for demo and benchmark data (scripts/seed-demo.ts, the analytics tests). Arrays go
// in as unnest() parameters: one statement per table whatever the number of rows. Never used by
// the app's request paths.

export type SeedUser = { id: string; name: string; email: string; createdAt?: number };
export type SeedLesson = {
  userId: string;
  lessonKey: string;
  startedAt: number;
  completedAt: number | null;
  lastVisitAt: number;
};
export type SeedAttempt = {
  userId: string;
  id: string;
  lessonKey: string;
  cellId: string;
  passed: boolean;
  at: number;
  durationMs: number;
  errorMessage: string | null;
  /** Default: self-reported, as sync stores browser-run checks. */
  verification?: "server" | "self-reported";
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const CHUNK = 20_000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

/** Deletes every user whose email ends with `@domain` (their progress goes with them: cascade). */
export async function deleteUsersByEmailDomain(domain: string): Promise<number> {
  return getPrisma()
    .$executeRaw`DELETE FROM "user" WHERE "email" LIKE ${"%@" + domain.replace(/[%_\\]/g, "\\$&")}`;
}

export async function insertUsers(users: SeedUser[]): Promise<void> {
  for (const part of chunks(users)) {
    await getPrisma().$executeRaw`
      INSERT INTO "user" ("id", "name", "email", "role", "createdAt", "updatedAt")
      SELECT t.id, t.name, t.email, 'learner', coalesce(t.created::timestamp, now() AT TIME ZONE 'UTC'), now() AT TIME ZONE 'UTC'
      FROM unnest(${part.map((u) => u.id)}::text[], ${part.map((u) => u.name)}::text[], ${part.map((u) => u.email)}::text[],
                  ${part.map((u) => (u.createdAt === undefined ? null : iso(u.createdAt)))}::text[]) AS t(id, name, email, created)`;
  }
}

export async function insertLessonProgress(rows: SeedLesson[]): Promise<void> {
  for (const part of chunks(rows)) {
    await getPrisma().$executeRaw`
      INSERT INTO "lesson_progress" ("userId", "lessonKey", "startedAt", "completedAt", "lastVisitAt", "updatedAt")
      SELECT t.u, t.k, t.s::timestamp, t.c::timestamp, t.v::timestamp, now() AT TIME ZONE 'UTC'
      FROM unnest(${part.map((r) => r.userId)}::text[], ${part.map((r) => r.lessonKey)}::text[], ${part.map((r) => iso(r.startedAt))}::text[],
                  ${part.map((r) => iso(r.completedAt))}::text[], ${part.map((r) => iso(r.lastVisitAt))}::text[]) AS t(u, k, s, c, v)
      ON CONFLICT ("userId", "lessonKey") DO NOTHING`;
  }
}

export async function insertAttempts(rows: SeedAttempt[]): Promise<void> {
  for (const part of chunks(rows)) {
    await getPrisma().$executeRaw`
      INSERT INTO "exercise_attempt" ("userId", "id", "lessonKey", "cellId", "passed", "at", "durationMs", "errorMessage", "verification")
      SELECT t.u, t.id, t.k, t.c, t.p, t.a::timestamp, t.d, t.e, t.v::"AttemptVerification"
      FROM unnest(${part.map((r) => r.userId)}::text[], ${part.map((r) => r.id)}::uuid[], ${part.map((r) => r.lessonKey)}::text[],
                  ${part.map((r) => r.cellId)}::text[], ${part.map((r) => r.passed)}::boolean[], ${part.map((r) => iso(r.at))}::text[],
                  ${part.map((r) => r.durationMs)}::int[], ${part.map((r) => r.errorMessage)}::text[],
                  ${part.map((r) => r.verification ?? "self-reported")}::text[]) AS t(u, id, k, c, p, a, d, e, v)
      ON CONFLICT ("userId", "id") DO NOTHING`;
  }
}

export async function findUserIdByEmail(email: string): Promise<string | null> {
  const user = await getPrisma().user.findUnique({ where: { email }, select: { id: true } });
  return user?.id ?? null;
}

export async function setUserRole(
  email: string,
  role: "learner" | "instructor" | "admin",
): Promise<void> {
  await getPrisma().user.update({ where: { email }, data: { role } });
}

/** Removes a user's lesson progress and attempts (so re-seeding a demo account is repeatable). */
export async function clearUserProgress(userId: string): Promise<void> {
  const prisma = getPrisma();
  await prisma.$transaction([
    prisma.exerciseAttempt.deleteMany({ where: { userId } }),
    prisma.lessonProgress.deleteMany({ where: { userId } }),
  ]);
}

export type SyntheticShape = {
  learners: number;
  /** Lessons in chapter order; learner g reaches lesson i with a probability that falls with i. */
  lessonKeys: string[];
  /** Exercises (cells) attempted in each reached lesson. */
  exercisesPerLesson: number;
  domain: string;
};

/**
 * Benchmark-sized data made inside Postgres with generate_series (10,000 learners in seconds):
 * deterministic, no JavaScript arrays of hundreds of thousands of rows.
 */
export async function seedSyntheticLearners(
  shape: SyntheticShape,
): Promise<{ users: number; lessons: number; attempts: number }> {
  const prisma = getPrisma();
  const users = await prisma.$executeRaw`
    INSERT INTO "user" ("id", "name", "email", "role", "updatedAt")
    SELECT 'syn-' || g, 'Learner ' || g, 'learner-' || g || '@' || ${shape.domain}, 'learner', now() AT TIME ZONE 'UTC'
    FROM generate_series(1, ${shape.learners}::int) AS g`;
  // Learner g reaches lesson i when a hash of (g, i) falls under 0.85^i; completes 80% of reached.
  const lessons = await prisma.$executeRaw`
    INSERT INTO "lesson_progress" ("userId", "lessonKey", "startedAt", "completedAt", "lastVisitAt", "updatedAt")
    SELECT 'syn-' || g, k.key,
           timestamp '2026-10-01' + (g % 600) * interval '1 hour' + k.ord * interval '1 day',
           CASE WHEN abs(hashint4(g * 31 + k.ord::int)) % 100 < 80
                THEN timestamp '2026-10-01' + (g % 600) * interval '1 hour' + k.ord * interval '1 day' + interval '40 minutes' END,
           timestamp '2026-10-01' + (g % 600) * interval '1 hour' + k.ord * interval '1 day' + interval '45 minutes',
           now() AT TIME ZONE 'UTC'
    FROM generate_series(1, ${shape.learners}::int) AS g
    CROSS JOIN unnest(${shape.lessonKeys}::text[]) WITH ORDINALITY AS k(key, ord)
    WHERE (abs(hashint4(g * 7 + k.ord::int)) % 1000) / 1000.0 < power(0.85, k.ord - 1)`;
  // 1–5 attempts per exercise in each reached lesson; the last one passes for 70% of learners.
  // One statement per lesson keeps each under the pool's query timeout on a busy machine.
  let attempts = 0;
  for (const lessonKey of shape.lessonKeys) {
    attempts += await prisma.$executeRaw`
      INSERT INTO "exercise_attempt" ("userId", "id", "lessonKey", "cellId", "passed", "at", "durationMs", "errorMessage")
      SELECT lp."userId", gen_random_uuid(), lp."lessonKey", 'ex-' || e, a = n AND pass, lp."startedAt" + a * interval '3 minutes',
             200 + (h % 800),
             CASE WHEN a = n AND pass THEN NULL
                  ELSE (ARRAY['Expected shape [1] but got [3]', 'ReferenceError: model is not defined', 'loss is NaN', 'timeout after 30 s'])[1 + (h + a) % 4] END
      FROM "lesson_progress" lp
      CROSS JOIN generate_series(1, ${shape.exercisesPerLesson}::int) AS e
      CROSS JOIN LATERAL (SELECT abs(hashtext(lp."userId" || lp."lessonKey" || e)) AS h) hh
      CROSS JOIN LATERAL (SELECT 1 + h % 5 AS n, (h / 7) % 10 < 7 AS pass) shape
      CROSS JOIN LATERAL generate_series(1, n) AS a
      WHERE lp."lessonKey" = ${lessonKey} AND lp."userId" LIKE 'syn-%'`;
  }
  // Fresh statistics and visibility map, as autovacuum would leave them on a live database.
  // Statistics for every table the analytics join (the learners-only filter reads "user").
  await prisma.$executeRaw`VACUUM (ANALYZE) "user"`;
  await prisma.$executeRaw`VACUUM (ANALYZE) "lesson_progress"`;
  await prisma.$executeRaw`VACUUM (ANALYZE) "exercise_attempt"`;
  return { users, lessons, attempts };
}
