import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createTestDatabase, createTestUser, type TestDatabase } from "@/lib/db/testing";
import { applySyncBatch } from "./server";
import { getCatalogueProgress, getLessonProgressForUser } from "./queries";
import type { CodeMutation } from "./schemas";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const LESSON = "sequences/01-rnn/02-lstm";
const T0 = Date.now() - 60_000;
const codeEdit = (cellId: string, code: string | null, at: number, clientVersion = 0): CodeMutation => ({
  id: randomUUID(), kind: "code", lessonKey: LESSON, cellId, clientVersion, at, payload: { code, lessonCodeHash: "h1" },
});

describe("applySyncBatch", () => {
  it("stores code, runs, attempts and lesson progress and reads them back", async () => {
    const user = await createTestUser();
    const result = await applySyncBatch(user.id, {
      mutations: [
        codeEdit("train", "model.fit()", T0),
        { id: randomUUID(), kind: "run", lessonKey: LESSON, cellId: "train", clientVersion: 0, at: T0 + 1, payload: { status: "error", durationMs: 12, errorMessage: "boom" } },
        { id: randomUUID(), kind: "attempt", lessonKey: LESSON, cellId: "train", clientVersion: 0, at: T0 + 2, payload: { passed: false, durationMs: 12, errorMessage: "val MSE is 0.2" } },
        { id: randomUUID(), kind: "attempt", lessonKey: LESSON, cellId: "train", clientVersion: 0, at: T0 + 3, payload: { passed: true, durationMs: 9 } },
        { id: randomUUID(), kind: "lesson", lessonKey: LESSON, cellId: "train", clientVersion: 0, at: T0 + 4, payload: { event: "visit" } },
      ],
    });
    expect(result.applied).toHaveLength(5);
    expect(result.cells).toEqual([{ lessonKey: LESSON, cellId: "train", version: 1, code: "model.fit()", lessonCodeHash: "h1", codeUpdatedAt: T0 }]);

    const progress = await getLessonProgressForUser(user.id, LESSON);
    expect(progress.cells).toEqual([
      expect.objectContaining({ cellId: "train", code: "model.fit()", version: 1, codeUpdatedAt: T0, lastRunStatus: "error", lastRunAt: T0 + 1, lastRunError: "boom" }),
    ]);
    expect(progress.exercises).toEqual([{ cellId: "train", attempts: 2, passed: true, lastAttemptAt: T0 + 3 }]);
    expect(progress.lesson).toMatchObject({ lastCellId: "train", startedAt: T0 + 4, completedAt: null });
    expect(Object.keys(await getCatalogueProgress(user.id))).toEqual([LESSON]);
  });

  it("is idempotent: the same batch twice records everything once", async () => {
    const user = await createTestUser();
    const batch = {
      mutations: [
        codeEdit("a", "one", T0),
        { id: randomUUID(), kind: "attempt" as const, lessonKey: LESSON, cellId: "a", clientVersion: 0, at: T0, payload: { passed: true, durationMs: 1 } },
      ],
    };
    await applySyncBatch(user.id, batch);
    const again = await applySyncBatch(user.id, batch);
    expect(again.applied).toEqual([]);
    expect(again.duplicates).toHaveLength(2);
    const progress = await getLessonProgressForUser(user.id, LESSON);
    expect(progress.cells[0]?.version).toBe(1);
    expect(progress.exercises[0]?.attempts).toBe(1);
  });

  it("never lets one learner's batch touch another's rows, even with the same mutation ids", async () => {
    const a = await createTestUser();
    const b = await createTestUser();
    const shared = codeEdit("a", "from A", T0);
    await applySyncBatch(a.id, { mutations: [shared] });
    const forB = await applySyncBatch(b.id, { mutations: [{ ...shared, payload: { code: "from B", lessonCodeHash: "h1" } }] });
    expect(forB.applied).toEqual([shared.id]);
    expect((await getLessonProgressForUser(a.id, LESSON)).cells[0]?.code).toBe("from A");
    expect((await getLessonProgressForUser(b.id, LESSON)).cells[0]?.code).toBe("from B");
  });

  it("resolves a stale edit from another device by time and reports the winner", async () => {
    const user = await createTestUser();
    await applySyncBatch(user.id, { mutations: [codeEdit("a", "laptop", T0 + 500)] });
    const phone = await applySyncBatch(user.id, { mutations: [codeEdit("a", "phone (older)", T0 + 100)] });
    expect(phone.stale).toHaveLength(1);
    expect(phone.cells[0]).toMatchObject({ code: "laptop", version: 1 });
  });

  it("reset lesson drops the cells and the completion", async () => {
    const user = await createTestUser();
    await applySyncBatch(user.id, {
      mutations: [
        codeEdit("a", "x", T0),
        { id: randomUUID(), kind: "lesson", lessonKey: LESSON, cellId: "a", clientVersion: 0, at: T0 + 1, payload: { event: "complete" } },
      ],
    });
    await applySyncBatch(user.id, { mutations: [{ id: randomUUID(), kind: "lesson", lessonKey: LESSON, cellId: "a", clientVersion: 0, at: T0 + 2, payload: { event: "reset" } }] });
    const progress = await getLessonProgressForUser(user.id, LESSON);
    expect(progress.cells).toEqual([]);
    expect(progress.lesson?.completedAt).toBeNull();
  });

  it("serialises concurrent batches of one learner without losing an edit", async () => {
    const user = await createTestUser();
    // Concurrent devices (all based on version 0): whatever order the batches run in, the
    // latest edit of each cell must win — a lost update would leave an older one.
    const batches = Array.from({ length: 20 }, (_, i) => ({ mutations: [codeEdit(`c${i % 4}`, `edit ${i}`, T0 + i, 0)] }));
    await Promise.all([...batches].reverse().map((batch) => applySyncBatch(user.id, batch)));
    const cells = (await getLessonProgressForUser(user.id, LESSON)).cells;
    expect(cells.map((cell) => [cell.cellId, cell.code])).toEqual([
      ["c0", "edit 16"],
      ["c1", "edit 17"],
      ["c2", "edit 18"],
      ["c3", "edit 19"],
    ]);
  });
});

describe("pruneSyncMutations", () => {
  it("forgets only ids older than the horizon", async () => {
    const { pruneSyncMutations } = await import("@/lib/db/progress-repository");
    const user = await createTestUser();
    await applySyncBatch(user.id, { mutations: [codeEdit("p", "x", T0)] });
    expect(await pruneSyncMutations(60 * 60 * 1000)).toBe(0);
    expect(await pruneSyncMutations(-60 * 1000)).toBeGreaterThanOrEqual(1);
  });
});
