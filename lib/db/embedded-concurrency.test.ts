import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { lessonIndexFrom } from "@/lib/progress/lesson-index";
import { applySyncBatch } from "@/lib/progress/server";
import { getLessonProgressForUser } from "@/lib/progress/queries";
import type { CodeMutation } from "@/lib/progress/schemas";
import { closeDb } from "./client";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./embedded";
import { createTestUser } from "./testing";

// Probe M4: the embedded PGlite serves ONE connection. Concurrent batches on one cell of one
// learner lose the optimistic race again and again; that must never cost another learner's
// request its connection ("Connection terminated unexpectedly").

const LESSON = "track/01-chapter/01-lesson";
const ROUNDS = 6;
const WRITERS = 8;
const lessons = lessonIndexFrom({
  [LESSON]: [
    { id: "shared", kind: "tfjs", role: "cell" },
    { id: "mine", kind: "tfjs", role: "cell" },
  ],
});

let dir = "";
let db: EmbeddedDatabase | undefined;
const saved = { url: process.env.DATABASE_URL, pool: process.env.DATABASE_POOL_MAX };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "courses-pglite-race-"));
  db = await startEmbeddedDatabase(path.join(dir, "pglite"));
  await closeDb();
  process.env.DATABASE_URL = db.url;
  process.env.DATABASE_POOL_MAX = "1";
}, 60_000);
afterAll(async () => {
  await closeDb();
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  process.env.DATABASE_URL = saved.url;
  if (saved.pool === undefined) delete process.env.DATABASE_POOL_MAX;
  else process.env.DATABASE_POOL_MAX = saved.pool;
});

const edit = (n: number): CodeMutation => ({
  id: randomUUID(),
  kind: "code",
  lessonKey: LESSON,
  cellId: "shared",
  clientVersion: 0,
  at: Date.now() - 1_000 + n,
  payload: { code: `edit ${n}`, lessonCodeHash: "h" },
});

describe("embedded database under concurrent sync", () => {
  it(`answers ${WRITERS} concurrent batches on one cell and another learner's reads without a failure`, async () => {
    const writer = await createTestUser();
    const reader = await createTestUser();
    await applySyncBatch(
      reader.id,
      {
        mutations: [
          { ...edit(0), cellId: "mine", payload: { code: "reader's code", lessonCodeHash: "h" } },
        ],
      },
      { lessons },
    );

    const failures: string[] = [];
    let readerFailures = 0;
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const writes = Array.from({ length: WRITERS }, () =>
        applySyncBatch(writer.id, { mutations: [edit(++n)] }, { lessons }),
      );
      const reads = Array.from({ length: 4 }, () => getLessonProgressForUser(reader.id, LESSON));
      const settled = await Promise.allSettled([...writes, ...reads]);
      settled.forEach((result, index) => {
        if (result.status === "fulfilled") return;
        failures.push(
          String(result.reason instanceof Error ? result.reason.message : result.reason),
        );
        if (index >= WRITERS) readerFailures += 1;
      });
    }
    console.info(
      `[M4] ${failures.length} of ${ROUNDS * (WRITERS + 4)} requests failed (${readerFailures} of the other learner's reads)`,
      failures.slice(0, 3),
    );
    expect(failures).toEqual([]);

    const progress = await getLessonProgressForUser(reader.id, LESSON);
    expect(progress.cells.map((cell) => cell.code)).toEqual(["reader's code"]);
    const written = await getLessonProgressForUser(writer.id, LESSON);
    // Every edit was applied or reported stale exactly once; the cell holds the latest.
    expect(written.cells.map((cell) => cell.code)).toEqual([`edit ${n}`]);
  }, 120_000);
});
