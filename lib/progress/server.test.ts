import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { getPrisma } from "@/lib/db/client";
import { createTestDatabase, createTestUser, type TestDatabase } from "@/lib/db/testing";
import { applySyncBatch as applyWithCatalog } from "./server";
import { getCatalogProgress, getLessonProgressForUser } from "./queries";
import { lessonIndexFrom } from "./lesson-index";
import { recordServerVerdict } from "./verdicts";
import type { CodeMutation, SyncBatch } from "./schemas";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const LESSON = "sequences/01-rnn/02-lstm";
// The lessons these tests sync to (validation refuses keys the catalogue lacks).
const lessons = lessonIndexFrom({
  [LESSON]: [
    { id: "train", kind: "tfjs", role: "exercise" },
    { id: "a", kind: "tfjs", role: "exercise" },
    ...["c0", "c1", "c2", "c3", "p"].map((id) => ({
      id,
      kind: "tfjs" as const,
      role: "cell" as const,
    })),
  ],
});
const applySyncBatch = (userId: string, batch: SyncBatch) =>
  applyWithCatalog(userId, batch, { lessons });
const T0 = Date.now() - 60_000;
const codeEdit = (
  cellId: string,
  code: string | null,
  at: number,
  clientVersion = 0,
): CodeMutation => ({
  id: randomUUID(),
  kind: "code",
  lessonKey: LESSON,
  cellId,
  clientVersion,
  at,
  payload: { code, lessonCodeHash: "h1" },
});

describe("applySyncBatch", () => {
  it("stores code, runs, attempts and lesson progress and reads them back", async () => {
    const user = await createTestUser();
    const result = await applySyncBatch(user.id, {
      mutations: [
        codeEdit("train", "model.fit()", T0),
        {
          id: randomUUID(),
          kind: "run",
          lessonKey: LESSON,
          cellId: "train",
          clientVersion: 0,
          at: T0 + 1,
          payload: { status: "error", durationMs: 12, errorMessage: "boom" },
        },
        {
          id: randomUUID(),
          kind: "attempt",
          lessonKey: LESSON,
          cellId: "train",
          clientVersion: 0,
          at: T0 + 2,
          payload: { passed: false, durationMs: 12, errorMessage: "val MSE is 0.2" },
        },
        {
          id: randomUUID(),
          kind: "attempt",
          lessonKey: LESSON,
          cellId: "train",
          clientVersion: 0,
          at: T0 + 3,
          payload: { passed: true, durationMs: 9 },
        },
        {
          id: randomUUID(),
          kind: "lesson",
          lessonKey: LESSON,
          cellId: "train",
          clientVersion: 0,
          at: T0 + 4,
          payload: { event: "visit" },
        },
      ],
    });
    expect(result.applied).toHaveLength(5);
    expect(result.cells).toEqual([
      {
        lessonKey: LESSON,
        cellId: "train",
        version: 1,
        code: "model.fit()",
        lessonCodeHash: "h1",
        codeUpdatedAt: T0,
      },
    ]);

    const progress = await getLessonProgressForUser(user.id, LESSON);
    expect(progress.cells).toEqual([
      expect.objectContaining({
        cellId: "train",
        code: "model.fit()",
        version: 1,
        codeUpdatedAt: T0,
        lastRunStatus: "error",
        lastRunAt: T0 + 1,
        lastRunError: "boom",
      }),
    ]);
    expect(progress.exercises).toEqual([
      { cellId: "train", attempts: 2, passed: true, lastAttemptAt: T0 + 3 },
    ]);
    expect(progress.lesson).toMatchObject({
      lastCellId: "train",
      startedAt: T0 + 4,
      completedAt: null,
    });
    expect(Object.keys(await getCatalogProgress(user.id))).toEqual([LESSON]);
  });

  it("is idempotent: the same batch twice records everything once", async () => {
    const user = await createTestUser();
    const batch = {
      mutations: [
        codeEdit("a", "one", T0),
        {
          id: randomUUID(),
          kind: "attempt" as const,
          lessonKey: LESSON,
          cellId: "a",
          clientVersion: 0,
          at: T0,
          payload: { passed: true, durationMs: 1 },
        },
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
    const forB = await applySyncBatch(b.id, {
      mutations: [{ ...shared, payload: { code: "from B", lessonCodeHash: "h1" } }],
    });
    expect(forB.applied).toEqual([shared.id]);
    expect((await getLessonProgressForUser(a.id, LESSON)).cells[0]?.code).toBe("from A");
    expect((await getLessonProgressForUser(b.id, LESSON)).cells[0]?.code).toBe("from B");
  });

  it("resolves a stale edit from another device by time and reports the winner", async () => {
    const user = await createTestUser();
    await applySyncBatch(user.id, { mutations: [codeEdit("a", "laptop", T0 + 500)] });
    const phone = await applySyncBatch(user.id, {
      mutations: [codeEdit("a", "phone (older)", T0 + 100)],
    });
    expect(phone.stale).toHaveLength(1);
    expect(phone.cells[0]).toMatchObject({ code: "laptop", version: 1 });
  });

  it("reset lesson drops the cells and the completion", async () => {
    const user = await createTestUser();
    await applySyncBatch(user.id, {
      mutations: [
        codeEdit("a", "x", T0),
        ...["train", "a"].map((cellId) => ({
          id: randomUUID(),
          kind: "attempt" as const,
          lessonKey: LESSON,
          cellId,
          clientVersion: 0,
          at: T0,
          payload: { passed: true, durationMs: 1 },
        })),
        {
          id: randomUUID(),
          kind: "lesson",
          lessonKey: LESSON,
          cellId: "a",
          clientVersion: 0,
          at: T0 + 1,
          payload: { event: "complete" },
        },
      ],
    });
    expect((await getLessonProgressForUser(user.id, LESSON)).lesson?.completedAt).toBe(T0 + 1);
    await applySyncBatch(user.id, {
      mutations: [
        {
          id: randomUUID(),
          kind: "lesson",
          lessonKey: LESSON,
          cellId: "a",
          clientVersion: 0,
          at: T0 + 2,
          payload: { event: "reset" },
        },
      ],
    });
    const progress = await getLessonProgressForUser(user.id, LESSON);
    expect(progress.cells).toEqual([]);
    expect(progress.lesson?.completedAt).toBeNull();
  });

  it("serialises concurrent batches of one learner without losing an edit", async () => {
    const user = await createTestUser();
    // Concurrent devices (all based on version 0): whatever order the batches run in, the
    // latest edit of each cell must win — a lost update would leave an older one.
    const batches = Array.from({ length: 20 }, (_, i) => ({
      mutations: [codeEdit(`c${i % 4}`, `edit ${i}`, T0 + i, 0)],
    }));
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

describe("what the browser cannot decide", () => {
  const GRAPH = "graph/01-first/01-match";
  const PLAIN = "sequences/01-rnn/01-intro";
  const course = lessonIndexFrom({
    [LESSON]: [
      { id: "data", kind: "tfjs", role: "cell" },
      { id: "fit", kind: "tfjs", role: "exercise" },
    ],
    [GRAPH]: [
      { id: "look", kind: "cypher", role: "cell" },
      { id: "find", kind: "cypher", role: "exercise" },
    ],
    [PLAIN]: [
      { id: "one", kind: "tfjs", role: "cell" },
      { id: "two", kind: "tfjs", role: "cell" },
    ],
  });
  const sync = (userId: string, mutations: SyncBatch["mutations"]) =>
    applyWithCatalog(userId, { mutations }, { lessons: course });
  const base = (lessonKey: string, cellId: string, at = T0) => ({
    id: randomUUID(),
    lessonKey,
    cellId,
    clientVersion: 0,
    at,
  });
  const attempt = (lessonKey: string, cellId: string, passed: boolean, at = T0) => ({
    ...base(lessonKey, cellId, at),
    kind: "attempt" as const,
    payload: { passed, durationMs: 5 },
  });
  const run = (lessonKey: string, cellId: string, status: "ok" | "error", at = T0) => ({
    ...base(lessonKey, cellId, at),
    kind: "run" as const,
    payload: { status, durationMs: 5 },
  });
  const lessonEvent = (
    lessonKey: string,
    cellId: string,
    event: "visit" | "complete" | "reset",
    at = T0 + 10,
  ) => ({ ...base(lessonKey, cellId, at), kind: "lesson" as const, payload: { event } });
  const verificationOf = async (userId: string) =>
    await getPrisma().$queryRawUnsafe<{ cellId: string; verification: string }[]>(
      `SELECT "cellId", "verification"::text AS verification FROM "exercise_attempt" WHERE "userId" = $1 ORDER BY "at"`,
      userId,
    );

  it("refuses a batch naming an unknown lesson or cell with 422 and the mutation's place, applying nothing", async () => {
    const user = await createTestUser();
    const refused = sync(user.id, [
      codeEdit("data", "fine", T0),
      { ...codeEdit("data", "x", T0), lessonKey: "sec/x/y" },
      { ...codeEdit("nope", "x", T0) },
      lessonEvent(GRAPH, "ghost", "visit"),
    ]);
    await expect(refused).rejects.toMatchObject({
      status: 422,
      fieldErrors: {
        "mutations.1.lessonKey": ["no lesson 'sec/x/y' in the catalogue (renamed or removed?)"],
        "mutations.2.cellId": [`no cell 'nope' in lesson '${LESSON}'`],
        "mutations.3.cellId": [`no cell 'ghost' in lesson '${GRAPH}'`],
      },
    });
    await expect(refused).rejects.toThrow(
      /Unknown lesson or cell: mutations\.1\.lessonKey: no lesson 'sec\/x\/y'/,
    );
    // All or nothing: the valid edit in the same batch was not stored either.
    expect((await getLessonProgressForUser(user.id, LESSON)).cells).toEqual([]);
  });

  it("the real catalogue is the default: the probe's made-up 'sec/x/y' is refused", async () => {
    const user = await createTestUser();
    await expect(
      applyWithCatalog(user.id, {
        mutations: [{ ...codeEdit("a", "x", T0), lessonKey: "sec/x/y" }],
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(await getCatalogProgress(user.id)).toEqual({});
  });

  it("acknowledges a forged Cypher pass without recording it, and it does not complete the lesson", async () => {
    const user = await createTestUser();
    const forged = attempt(GRAPH, "find", true);
    const complete = lessonEvent(GRAPH, "find", "complete");
    const result = await sync(user.id, [forged, complete]);
    expect(result.applied).toEqual([]);
    expect(result.stale).toEqual([forged.id, complete.id]);
    expect(result.ignored).toEqual([
      {
        id: forged.id,
        reason:
          "cypher exercises are checked by the server; a result sent by the browser is not recorded",
      },
      {
        id: complete.id,
        reason: expect.stringMatching(
          /^not marked completed: not every exercise has a pass the server accepts \(missing: 'find'\)/,
        ),
      },
    ]);
    const progress = await getLessonProgressForUser(user.id, GRAPH);
    expect(progress.exercises).toEqual([]);
    expect(progress.lesson).toBeNull();
    // A resend is a duplicate, so an old outbox lets go of it.
    expect((await sync(user.id, [forged])).duplicates).toEqual([forged.id]);
  });

  it("completes a Cypher lesson once the server's own verdict says it passed", async () => {
    const user = await createTestUser();
    // A self-reported pass from before server checks existed does not count either.
    await getPrisma().$executeRawUnsafe(
      `INSERT INTO "exercise_attempt" ("userId", "id", "lessonKey", "cellId", "passed", "at", "durationMs") VALUES ($1, $2::uuid, $3, 'find', true, now(), 1)`,
      user.id,
      randomUUID(),
      GRAPH,
    );
    expect((await sync(user.id, [lessonEvent(GRAPH, "find", "complete")])).ignored).toHaveLength(1);
    await recordServerVerdict(
      { userId: user.id, lessonKey: GRAPH, cellId: "find", passed: true, durationMs: 12 },
      { lessons: course },
    );
    const complete = lessonEvent(GRAPH, "find", "complete", T0 + 20);
    const result = await sync(user.id, [complete]);
    expect(result).toMatchObject({ applied: [complete.id], ignored: [] });
    expect((await getLessonProgressForUser(user.id, GRAPH)).lesson?.completedAt).toBe(T0 + 20);
  });

  it("stores tfjs attempts as self-reported; they complete their lesson, in the same batch too", async () => {
    const user = await createTestUser();
    const early = await sync(user.id, [
      attempt(LESSON, "fit", false),
      lessonEvent(LESSON, "fit", "complete"),
    ]);
    expect(early.ignored[0]?.reason).toMatch(/missing: 'fit'/);
    expect((await getLessonProgressForUser(user.id, LESSON)).lesson).toBeNull();
    const pass = attempt(LESSON, "fit", true, T0 + 1);
    const complete = lessonEvent(LESSON, "fit", "complete", T0 + 2);
    expect((await sync(user.id, [pass, complete])).applied).toEqual([pass.id, complete.id]);
    expect((await getLessonProgressForUser(user.id, LESSON)).lesson?.completedAt).toBe(T0 + 2);
    expect(await verificationOf(user.id)).toEqual([
      { cellId: "fit", verification: "self-reported" },
      { cellId: "fit", verification: "self-reported" },
    ]);
  });

  it("ignores an attempt on a cell that is not an exercise", async () => {
    const user = await createTestUser();
    const result = await sync(user.id, [attempt(LESSON, "data", true)]);
    expect(result.ignored).toEqual([
      { id: expect.any(String), reason: `'data' is not an exercise of '${LESSON}'` },
    ]);
    expect(await verificationOf(user.id)).toEqual([]);
  });

  it("completes a lesson without exercises only when every cell's latest run succeeded", async () => {
    const user = await createTestUser();
    const first = await sync(user.id, [
      run(PLAIN, "one", "ok"),
      run(PLAIN, "two", "error"),
      lessonEvent(PLAIN, "two", "complete"),
    ]);
    expect(first.ignored).toEqual([
      {
        id: expect.any(String),
        reason: "not marked completed: not every cell has run without an error (missing: 'two')",
      },
    ]);
    // The earlier batch's ok run counts from the database; this batch's run of "two" from memory.
    const done = await sync(user.id, [
      run(PLAIN, "two", "ok", T0 + 5),
      lessonEvent(PLAIN, "two", "complete", T0 + 6),
    ]);
    expect(done.ignored).toEqual([]);
    expect((await getLessonProgressForUser(user.id, PLAIN)).lesson?.completedAt).toBe(T0 + 6);
  });

  it("keeps clamping client times: a completion dated in the future is stored at the server's time", async () => {
    const user = await createTestUser();
    const now = Date.now();
    await sync(user.id, [run(PLAIN, "one", "ok"), run(PLAIN, "two", "ok")]);
    await applyWithCatalog(
      user.id,
      { mutations: [lessonEvent(PLAIN, "one", "complete", now + 86_400_000)] },
      { lessons: course, serverNow: now },
    );
    expect((await getLessonProgressForUser(user.id, PLAIN)).lesson?.completedAt).toBe(now + 60_000);
  });
});
