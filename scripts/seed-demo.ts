/**
 * `npm run seed:demo`: fills the database at DATABASE_URL with realistic demo learners and their
 * progress (deterministic: the same data on every run), plus two accounts made through
 * better-auth's own sign-up, so their password hashes are real:
 *   instructor@demo.courses.test / demo-instructor-pass  (role instructor)
 *   learner@demo.courses.test    / demo-learner-pass     (role learner)
 * Re-running replaces the demo learners (emails @demo-learners.courses.test) and keeps the accounts.
 *   DEMO_LEARNERS=300 npm run seed:demo
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { getAuth } from "../lib/auth/auth";
import { readCatalog, type Catalog } from "../lib/content/catalog";
import type { CellKind } from "../lib/notebook/types";
import { closeDb } from "../lib/db/client";
import { ensureSeedClass } from "../lib/db/classes-repository";
import { applyMigrations } from "../lib/db/migrate";
import {
  clearUserProgress,
  deleteUsersByEmailDomain,
  findUserIdByEmail,
  insertAttempts,
  insertLessonProgress,
  insertUsers,
  setUserRole,
  type SeedAttempt,
  type SeedLesson,
  type SeedUser,
} from "../lib/db/analytics-repository-seed";
import { DEMO_INSTRUCTOR, DEMO_LEARNER, DEMO_LEARNER_DOMAIN } from "./demo-accounts";

const DEMO_CLASS_ID = "demo-class";

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ERRORS: Record<CellKind, string[]> = {
  tfjs: [
    "Error: Expected output shape [null,1] but got [null,20]",
    "ReferenceError: model is not defined",
    "check failed: loss did not fall below 0.05",
    "Error: Input 0 is incompatible with layer lstm: expected ndim=3, found ndim=2",
    "check failed: values are not standardized (mean 0.41)",
  ],
  cypher: [
    "check failed: expected 3 rows, got 0",
    "SyntaxError: Invalid input 'RETRUN': expected RETURN",
    "check failed: column names differ (expected title)",
    "Variable `m` not defined",
  ],
  rust: [
    "error[E0382]: borrow of moved value: `s`",
    "error[E0308]: mismatched types: expected `String`, found `&str`",
    'check failed: shout("hi") returned "hi"',
    "error[E0502]: cannot borrow `v` as mutable because it is also borrowed as immutable",
  ],
};

type Exercise = { lessonKey: string; cellId: string; kind: CellKind; difficulty: number };
type LessonPlan = { key: string; exercises: Exercise[] };

function plansOf(catalog: Catalog): LessonPlan[][] {
  const random = prng(7);
  return catalog.tracks.map((track) =>
    track.chapters.flatMap((chapter) =>
      chapter.lessons.map((lesson) => ({
        key: lesson.key,
        exercises: (catalog.lessons.get(lesson.key)?.parsed.cells ?? [])
          .filter((c) => c.role === "exercise")
          .map((c) => ({
            lessonKey: lesson.key,
            cellId: c.id,
            kind: c.kind,
            difficulty: 0.25 + random() * 0.6,
          })),
      })),
    ),
  );
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** One learner's journey through each track: lessons in order, attempts until pass or give-up. */
function journey(userId: string, plans: LessonPlan[][], random: () => number, start: number) {
  const lessons: SeedLesson[] = [];
  const attempts: SeedAttempt[] = [];
  const skill = random();
  const persistence = 0.55 + random() * 0.4;
  for (const track of plans) {
    if (random() > 0.55 + skill * 0.3) continue;
    let clock = start + Math.floor(random() * 20 * 24) * HOUR;
    for (const lesson of track) {
      const startedAt = clock;
      let completed = true;
      for (const exercise of lesson.exercises) {
        clock += (2 + random() * 10) * MINUTE;
        const passChance = Math.min(
          0.95,
          Math.max(0.08, 1 - exercise.difficulty + skill * 0.45 - 0.15),
        );
        let passed = false;
        for (let n = 1; n <= 8 && !passed; n++) {
          passed = random() < passChance + n * 0.04;
          const errors = ERRORS[exercise.kind];
          const pick = Math.min(
            errors.length - 1,
            Math.floor(Math.pow(random(), 1.8) * errors.length),
          );
          attempts.push({
            userId,
            id: randomUUID(),
            lessonKey: exercise.lessonKey,
            cellId: exercise.cellId,
            passed,
            at: clock,
            durationMs: Math.round(
              80 +
                random() * (exercise.kind === "rust" ? 2500 : exercise.kind === "tfjs" ? 4000 : 60),
            ),
            errorMessage: passed ? null : (errors[pick] ?? null),
          });
          clock += (0.5 + random() * 6) * MINUTE;
          if (!passed && random() > persistence) break;
        }
        if (!passed) completed = false;
      }
      clock += (3 + random() * 15) * MINUTE;
      lessons.push({
        userId,
        lessonKey: lesson.key,
        startedAt,
        completedAt: completed ? clock : null,
        lastVisitAt: clock,
      });
      if (!completed && random() > 0.35) break; // stuck: leaves the track
      if (random() > 0.82 + skill * 0.15) break; // drifts away
      clock += random() < 0.6 ? (5 + random() * 40) * MINUTE : (12 + random() * 72) * HOUR;
    }
  }
  return { lessons, attempts };
}

const FIRST = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Ken",
  "Margaret",
  "Donald",
  "Frances",
  "John",
  "Radia",
  "Tim",
  "Hedy",
  "Dennis",
  "Katherine",
  "Linus",
  "Sophie",
  "Niklaus",
  "Shafi",
  "Leslie",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Thompson",
  "Hamilton",
  "Knuth",
  "Allen",
  "McCarthy",
  "Perlman",
  "Berners-Lee",
  "Lamarr",
  "Ritchie",
  "Johnson",
  "Torvalds",
  "Wilson",
  "Wirth",
  "Goldwasser",
  "Lamport",
];

export type DemoSeedResult = {
  learners: number;
  lessons: number;
  attempts: number;
  instructor: typeof DEMO_INSTRUCTOR;
  learner: typeof DEMO_LEARNER;
};

async function ensureAccount(
  account: { email: string; password: string; name: string },
  role: "learner" | "instructor",
): Promise<string> {
  let id = await findUserIdByEmail(account.email);
  if (!id) {
    // better-auth hashes the password exactly as at sign-up from the form.
    const created = await getAuth().api.signUpEmail({
      body: { email: account.email, password: account.password, name: account.name },
    });
    id = created.user.id;
  }
  await setUserRole(account.email, role);
  return id;
}

/** Seeds the database DATABASE_URL points at (migrations applied first). */
export async function seedDemo(
  options: { learners?: number; seed?: number; start?: number } = {},
): Promise<DemoSeedResult> {
  const count = options.learners ?? 180;
  const random = prng(options.seed ?? 2026);
  const start = options.start ?? Date.UTC(2026, 9, 1);
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error(
      "seed:demo needs DATABASE_URL (the database the app uses), e.g. postgresql://postgres@127.0.0.1:5432/test",
    );
  await applyMigrations(url);
  const plans = plansOf(readCatalog());

  await deleteUsersByEmailDomain(DEMO_LEARNER_DOMAIN);
  const users: SeedUser[] = [];
  const lessons: SeedLesson[] = [];
  const attempts: SeedAttempt[] = [];
  for (let i = 1; i <= count; i++) {
    const first = FIRST[Math.floor(random() * FIRST.length)] ?? "Sam";
    const last = LAST[Math.floor(random() * LAST.length)] ?? "Doe";
    const id = `demo-learner-${String(i).padStart(4, "0")}`;
    const trip = journey(id, plans, random, start);
    const joined =
      Math.min(start, ...trip.lessons.map((l) => l.startedAt)) - Math.floor(random() * 48) * HOUR;
    users.push({
      id,
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}.${i}@${DEMO_LEARNER_DOMAIN}`,
      createdAt: joined,
    });
    lessons.push(...trip.lessons);
    attempts.push(...trip.attempts);
  }
  await insertUsers(users);
  await insertLessonProgress(lessons);
  await insertAttempts(attempts);

  const instructorId = await ensureAccount(DEMO_INSTRUCTOR, "instructor");
  const learnerId = await ensureAccount(DEMO_LEARNER, "learner");
  // Instructors see only their classes' learners: the demo instructor teaches all of them.
  await ensureSeedClass(
    DEMO_CLASS_ID,
    "Demo class",
    instructorId,
    readCatalog().tracks.map((t) => t.slug),
    [...users.map((u) => u.id), learnerId],
  );
  await clearUserProgress(learnerId);
  const own = journey(learnerId, plans, prng(99), start + 2 * 24 * HOUR);
  await insertLessonProgress(own.lessons);
  await insertAttempts(own.attempts);

  return {
    learners: count,
    lessons: lessons.length + own.lessons.length,
    attempts: attempts.length + own.attempts.length,
    instructor: DEMO_INSTRUCTOR,
    learner: DEMO_LEARNER,
  };
}

async function main() {
  const learners = process.env.DEMO_LEARNERS ? Number(process.env.DEMO_LEARNERS) : undefined;
  if (
    learners !== undefined &&
    !(Number.isInteger(learners) && learners > 0 && learners <= 100_000)
  ) {
    console.error("DEMO_LEARNERS must be a whole number from 1 to 100000");
    process.exit(2);
  }
  try {
    const result = await seedDemo({ learners });
    console.log(
      JSON.stringify({
        seeded: { learners: result.learners, lessons: result.lessons, attempts: result.attempts },
      }),
    );
    console.log(`instructor: ${result.instructor.email} / ${result.instructor.password}`);
    console.log(`learner:    ${result.learner.email} / ${result.learner.password}`);
  } catch (error) {
    console.error(`seed:demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await closeDb();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  void main();
