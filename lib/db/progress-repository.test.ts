import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonIndexFrom } from "@/lib/progress/lesson-index";
import type { ServerCell } from "@/lib/progress/merge";
import type { SyncMutation } from "@/lib/progress/schemas";
import { applySyncBatch } from "@/lib/progress/server";
import { dbQuery } from "./client";
import { commitBatch, readBatchState, type CellWrite } from "./progress-repository";
import { createTestDatabase, createTestUser, type TestDatabase } from "./testing";

// The batch commit is one statement without a transaction. These check the two things a
// transaction used to give: a conflict leaves the rows it lost alone and claims no mutation id
// whose write did not land, and concurrent batches of one learner lose and duplicate nothing.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const LESSON = "t/01-c/01-l";
const CELLS = ["c0", "c1", "c2", "c3"];
const lessons = lessonIndexFrom({
  [LESSON]: [
    ...CELLS.map((id) => ({ id, kind: "tfjs" as const, role: "cell" as const })),
    { id: "ex", kind: "tfjs" as const, role: "exercise" as const },
  ],
});
const cell = (code: string, version: number, at: number): ServerCell => ({
  code,
  version,
  lessonCodeHash: "h",
  codeUpdatedAt: at,
  lastRunStatus: null,
  lastRunAt: null,
  lastRunDurationMs: null,
  lastRunError: null,
});
const claimedIds = async (userId: string) =>
  (
    await dbQuery<{ id: string }>(
      `SELECT "id"::text AS id FROM "sync_mutation" WHERE "userId" = $1`,
      [userId],
    )
  )
    .map((r) => r.id)
    .sort();

describe("commitBatch", () => {
  it("on a conflict writes the rows it can, claims only their ids, and leaves the lost row and id-only claims alone", async () => {
    const user = await createTestUser();
    const T = Date.now() - 10_000;
    const first: CellWrite[] = CELLS.slice(0, 2).map((cellId) => ({
      lessonKey: LESSON,
      cellId,
      cell: cell("v1", 1, T),
      expected: null,
    }));
    const setUp = await commitBatch(user.id, {
      claims: [],
      cells: first,
      attempts: [],
      lessons: [],
    });
    expect(setUp).toEqual({
      complete: true,
      claimed: [],
      cells: expect.arrayContaining([
        { lessonKey: LESSON, cellId: "c0" },
        { lessonKey: LESSON, cellId: "c1" },
      ]),
    });

    const [c0Id, c1Id, attemptId, staleId] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const outcome = await commitBatch(user.id, {
      claims: [
        { id: c0Id, kind: "cell", lessonKey: LESSON, cellId: "c0" },
        { id: c1Id, kind: "cell", lessonKey: LESSON, cellId: "c1" },
        { id: attemptId, kind: "attempt" },
        { id: staleId, kind: "none" },
      ],
      cells: [
        { lessonKey: LESSON, cellId: "c0", cell: cell("v2", 2, T + 1), expected: cell("v1", 1, T) },
        // Read before another device wrote version 2: its guard no longer holds.
        {
          lessonKey: LESSON,
          cellId: "c1",
          cell: cell("mine", 2, T + 1),
          expected: cell("v1", 0, T),
        },
      ],
      attempts: [
        {
          id: attemptId,
          lessonKey: LESSON,
          cellId: "ex",
          passed: true,
          at: T,
          durationMs: 1,
          errorMessage: null,
        },
      ],
      lessons: [],
    });
    expect(outcome.complete).toBe(false);
    expect(outcome.claimed.sort()).toEqual([c0Id, attemptId].sort());
    expect(outcome.cells).toEqual([{ lessonKey: LESSON, cellId: "c0" }]);
    expect(await claimedIds(user.id)).toEqual([c0Id, attemptId].sort());
    const state = await readBatchState(
      user.id,
      [],
      CELLS.slice(0, 2).map((cellId) => ({ lessonKey: LESSON, cellId })),
      [],
    );
    expect(state.cells.get(`${LESSON}\u0000c0`)?.code).toBe("v2");
    expect(state.cells.get(`${LESSON}\u0000c1`)?.code).toBe("v1");
  });

  it("claims every id, those without a row of their own included, when everything lands", async () => {
    const user = await createTestUser();
    const ids = [randomUUID(), randomUUID()];
    const outcome = await commitBatch(user.id, {
      claims: [
        { id: ids[0]!, kind: "cell", lessonKey: LESSON, cellId: "c2" },
        { id: ids[1]!, kind: "none" },
      ],
      cells: [{ lessonKey: LESSON, cellId: "c2", cell: cell("x", 1, Date.now()), expected: null }],
      attempts: [],
      lessons: [],
    });
    expect(outcome).toMatchObject({ complete: true });
    expect(await claimedIds(user.id)).toEqual([...ids].sort());
  });
});

describe("concurrent batches of one learner (two tabs, two devices)", () => {
  it("apply every edit and attempt exactly once, each answered as applied or stale, never half", async () => {
    const user = await createTestUser();
    const T = Date.now() - 60_000;
    // Every batch touches two cells that other batches touch too, and records an attempt.
    const batches = Array.from({ length: 24 }, (_, i) => ({
      mutations: [
        ...[i % 4, (i + 1) % 4].map((c, j): SyncMutation => ({
          id: randomUUID(),
          kind: "code",
          lessonKey: LESSON,
          cellId: `c${c}`,
          clientVersion: 0,
          at: T + i * 10 + j,
          payload: { code: `edit ${i}.${j}`, lessonCodeHash: "h" },
        })),
        {
          id: randomUUID(),
          kind: "attempt",
          lessonKey: LESSON,
          cellId: "ex",
          clientVersion: 0,
          at: T + i,
          payload: { passed: i % 2 === 0, durationMs: i },
        } as SyncMutation,
      ],
    }));
    const results = await Promise.all(
      batches.map((batch) => applySyncBatch(user.id, batch, { lessons })),
    );
    results.forEach((result, i) => {
      const ids = batches[i]!.mutations.map((m) => m.id).sort();
      expect(result.duplicates).toEqual([]);
      expect([...new Set([...result.applied, ...result.stale])].sort()).toEqual(ids);
    });
    expect(await claimedIds(user.id)).toHaveLength(24 * 3);
    const attempts = await dbQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM "exercise_attempt" WHERE "userId" = $1`,
      [user.id],
    );
    expect(attempts[0]!.n).toBe(24);
    // The latest edit of each cell wins, whatever order the batches committed in.
    const state = await readBatchState(
      user.id,
      [],
      CELLS.map((cellId) => ({ lessonKey: LESSON, cellId })),
      [],
    );
    const latest = (c: number) => {
      const edits = batches
        .flatMap((b) => b.mutations)
        .filter((m) => m.kind === "code" && m.cellId === `c${c}`);
      return edits.sort((a, b) => b.at - a.at)[0]!;
    };
    for (const c of [0, 1, 2, 3]) {
      const stored = state.cells.get(`${LESSON}\u0000c${c}`);
      const winner = latest(c);
      expect(stored?.code).toBe(winner.kind === "code" ? winner.payload.code : undefined);
    }
  });
});
