import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as syncPost } from "@/app/api/progress/sync/route";
import { resetAuth } from "@/lib/auth/auth";
import { dbQuery } from "@/lib/db/client";
import type { TestDatabase } from "@/lib/db/testing";
import { setUpRouteTests } from "./testing/env";
import { signUp, syncRequest } from "./testing/http";
import type { SyncMutation } from "./schemas";

// The sync path's database round trips per request, counted on the wire's client (every
// statement of Prisma and of our raw queries goes through pg.Client#query). The p99 of
// 2026-12-04 (777 ms) came from a path that had grown to 6 round trips and ~8 ms of CPU per
// batch; this keeps it at 2 — read (with the session check), commit — whatever the batch holds,
// once the session's owner is known to the process (its first sync: 3, the session read on its
// own). Each round trip costs ~0.3 ms of server CPU in socket writes alone here
// (docs/benchmarks/progress.md). If a change needs more, measure bench:progress and say so here.

const SYNC_ROUND_TRIPS = 2;
const LESSON = "track/01-chapter/02-faults";

let db: TestDatabase;
beforeAll(async () => {
  db = await setUpRouteTests(100_000);
});
afterAll(async () => {
  resetAuth();
  await db?.drop();
});
afterEach(() => vi.restoreAllMocks());

function batch(edits: number, at = Date.now()): { mutations: SyncMutation[] } {
  const mutations: SyncMutation[] = Array.from({ length: edits }, (_, i) => ({
    id: randomUUID(),
    kind: "code",
    lessonKey: LESSON,
    cellId: `cell${i % 5}`,
    clientVersion: 0,
    at: at + i,
    payload: { code: `edit ${i}`, lessonCodeHash: "h" },
  }));
  mutations.push({
    id: randomUUID(),
    kind: "attempt",
    lessonKey: LESSON,
    cellId: "ex0",
    clientVersion: 0,
    at,
    payload: { passed: true, durationMs: 5 },
  });
  mutations.push({
    id: randomUUID(),
    kind: "lesson",
    lessonKey: LESSON,
    cellId: "cell0",
    clientVersion: 0,
    at,
    payload: { event: "visit" },
  });
  return { mutations };
}

/** Statements sent to the database while `work` runs. */
async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const sent: string[] = [];
  const original = pg.Client.prototype.query;
  vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    const query = args[0] as string | { text?: string };
    sent.push(
      (typeof query === "string" ? query : (query.text ?? "")).replace(/\s+/g, " ").slice(0, 60),
    );
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original);
  await work();
  vi.restoreAllMocks();
  return sent;
}

async function sync(
  cookie: string,
  body: unknown,
): Promise<{ applied: string[]; duplicates: string[] }> {
  const response = await syncPost(syncRequest(body, { cookie }));
  expect(response.status).toBe(200);
  return response.json();
}

describe("database round trips of one sync request", () => {
  it("is 3 for a session's first sync in this process: session, read, commit", async () => {
    const learner = await signUp();
    await sync((await signUp()).cookie, batch(1)); // the pool's connections and the auth context exist
    const sent = await statementsDuring(() => sync(learner.cookie, batch(2)));
    expect(sent, sent.join("\n")).toHaveLength(3);
  });

  it(`is ${SYNC_ROUND_TRIPS} — read with the session check, commit — after that, small or large`, async () => {
    const learner = await signUp();
    await sync(learner.cookie, batch(1)); // the session's owner is now known
    for (const edits of [1, 4, 40]) {
      const body = batch(edits);
      const sent = await statementsDuring(async () => {
        const result = await sync(learner.cookie, body);
        expect(result.applied).toHaveLength(edits + 2);
      });
      expect(sent, `statements for ${edits} edits:\n${sent.join("\n")}`).toHaveLength(
        SYNC_ROUND_TRIPS,
      );
    }
  });

  it("costs 1 for a batch the server already has (read: nothing to write)", async () => {
    const learner = await signUp();
    const body = batch(4);
    await sync(learner.cookie, body);
    const sent = await statementsDuring(async () => {
      const result = await sync(learner.cookie, body);
      expect(result.duplicates).toHaveLength(6);
    });
    expect(sent).toHaveLength(1);
  });

  it.each(["edits", "a reset"])(
    "refuses a signed-out session at once though its owner was known, and writes nothing (%s)",
    async (kind) => {
      const learner = await signUp();
      await sync(learner.cookie, batch(1));
      const token = decodeURIComponent(learner.cookie.split("session_token=")[1]!.split(".")[0]!);
      await dbQuery(`DELETE FROM "session" WHERE "token" = $1`, [token]);
      const reset: SyncMutation = {
        id: randomUUID(),
        kind: "lesson",
        lessonKey: LESSON,
        cellId: "cell0",
        clientVersion: 0,
        at: Date.now(),
        payload: { event: "reset" },
      };
      const body = kind === "edits" ? batch(3) : { mutations: [reset] };
      const sent = await statementsDuring(async () => {
        const response = await syncPost(syncRequest(body, { cookie: learner.cookie }));
        expect(response.status).toBe(401);
      });
      // The read that found no live session (then whether the account exists): nothing else.
      expect(sent[0]).toMatch(/^SELECT 'live'/);
      expect(sent.filter((text) => !/^SELECT\b/i.test(text.trim()))).toEqual([]);
      const [row] = await dbQuery<{ cells: number }>(
        `SELECT count(*)::int AS cells FROM "cell_state" WHERE "lessonKey" = $1 AND "userId" = (SELECT "id" FROM "user" WHERE "email" = $2)`,
        [LESSON, learner.email],
      );
      // The first batch's one edited cell: the refused edits would add two, the reset remove it.
      expect(row?.cells).toBe(1);
      // Forgotten: the next request checks the session on its own, and is refused there.
      const again = await statementsDuring(async () => {
        const response = await syncPost(syncRequest(batch(1), { cookie: learner.cookie }));
        expect(response.status).toBe(401);
      });
      expect(again).toHaveLength(1);
      expect(again[0]).toMatch(/^SELECT u\."id"/);
    },
  );

  it("refuses a forged session cookie without a database round trip", async () => {
    const sent = await statementsDuring(async () => {
      const response = await syncPost(
        syncRequest(batch(1), {
          cookie: "better-auth.session_token=unknown.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        }),
      );
      expect(response.status).toBe(401);
    });
    expect(sent).toHaveLength(0);
  });
});
