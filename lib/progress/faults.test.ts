import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { closeDb } from "@/lib/db/client";
import { parseConnectionTarget } from "@/lib/db/env";
import { COMMIT_BATCH_STATEMENT } from "@/lib/db/progress-repository";
import { withSchema, type TestDatabase } from "@/lib/db/testing";
import { resetAuth } from "@/lib/auth/auth";
import { POST as syncPost } from "@/app/api/progress/sync/route";
import { createFetchTransport, Outbox } from "./outbox";
import { createMemoryStorage } from "./storage";
import type { SyncMutation } from "./schemas";
import { ORIGIN, signUp } from "./testing/http";
import { startTcpProxy, type TcpProxy } from "./testing/tcp-proxy";
import { setUpRouteTests } from "./testing/env";

// Faults between the app and Postgres, end to end through the real sync route: the database
// becomes unreachable mid-session, and connections die exactly at COMMIT (before or after the
// server committed — what a server restart in the middle of a batch looks like from outside).
// A batch's writes are one statement without a transaction (see progress-repository.ts); the
// proxy cuts on that statement.
// Every write must arrive exactly once.

let db: TestDatabase;
let proxy: TcpProxy;
let direct: pg.Client;
const LESSON = "track/01-chapter/02-faults";
// The batch commits in one statement (no BEGIN/COMMIT): the one that claims the mutation ids.
// The commit is a prepared statement: its name travels with every execution (the text once).
const COMMIT_STATEMENT = COMMIT_BATCH_STATEMENT;

beforeAll(async () => {
  process.env.DATABASE_POOL_MAX = "4";
  db = await setUpRouteTests(100_000);
  const target = new URL(db.baseUrl);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  await closeDb();
  process.env.DATABASE_URL = withSchema(proxy.url(db.baseUrl), db.schema);
  direct = new pg.Client({ connectionString: parseConnectionTarget(db.baseUrl).connectionString });
  await direct.connect();
});
afterAll(async () => {
  await direct?.end();
  await proxy?.close();
  resetAuth();
  delete process.env.DATABASE_POOL_MAX;
  await db?.drop();
});

function attempt(n: number): SyncMutation {
  return {
    id: randomUUID(),
    kind: "attempt",
    lessonKey: LESSON,
    cellId: `ex${n % 5}`,
    clientVersion: 0,
    at: Date.now(),
    payload: { passed: n % 2 === 0, durationMs: n },
  };
}
function edit(n: number): SyncMutation {
  return {
    id: randomUUID(),
    kind: "code",
    lessonKey: LESSON,
    cellId: `cell${n % 5}`,
    clientVersion: 0,
    at: Date.now() + n,
    payload: { code: `edit ${n}`, lessonCodeHash: "h" },
  };
}

/** An outbox wired to the real route handler (no HTTP server), retrying on a short timer. */
const answered = { duplicates: 0 };
function outboxFor(cookie: string) {
  const transport = createFetchTransport({
    url: `${ORIGIN}/api/progress/sync`,
    fetch: async (input, init) => {
      const response = await syncPost(
        new Request(String(input), {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), cookie, origin: ORIGIN },
        }),
      );
      if (response.ok)
        answered.duplicates += (
          (await response.clone().json()) as { duplicates: string[] }
        ).duplicates.length;
      return response;
    },
  });
  return new Outbox({
    storage: createMemoryStorage(),
    transport,
    batchSize: 10,
    backoff: { baseMs: 20, maxMs: 200 },
  });
}

async function untilSaved(outbox: Outbox, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (outbox.getStatus().state !== "saved" || outbox.getStatus().pending > 0) {
    if (Date.now() > deadline)
      throw new Error(`outbox not drained: ${JSON.stringify(outbox.getStatus())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (outbox.getStatus().state !== "offline") void outbox.flush();
  }
}

async function userIdOf(email: string): Promise<string> {
  const { rows } = await direct.query(`SELECT id FROM "${db.schema}"."user" WHERE email = $1`, [
    email,
  ]);
  return rows[0].id;
}

describe("faults between the app and Postgres", () => {
  it("holds writes while Postgres is unreachable and delivers every one after recovery (0 lost, 0 duplicated)", async () => {
    const learner = await signUp();
    const userId = await userIdOf(learner.email);
    const outbox = outboxFor(learner.cookie);
    await outbox.setOwner(userId);
    const before = Array.from({ length: 15 }, (_, i) => attempt(i));
    for (const m of before) await outbox.enqueue(m);
    await outbox.flush();
    expect(outbox.getStatus()).toMatchObject({ state: "saved", pending: 0 });

    proxy.cut();
    const during = [
      ...Array.from({ length: 25 }, (_, i) => attempt(100 + i)),
      ...Array.from({ length: 10 }, (_, i) => edit(i)),
    ];
    for (const m of during) await outbox.enqueue(m);
    await outbox.flush();
    expect(outbox.getStatus().state).toBe("offline");
    expect(outbox.getStatus().pending).toBe(during.length);
    // Keep it down long enough for several retries to fail.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(outbox.getStatus().pending).toBe(during.length);

    proxy.restore();
    await untilSaved(outbox);
    outbox.dispose();

    const attempts = await direct.query(
      `SELECT id::text FROM "${db.schema}"."exercise_attempt" WHERE "userId" = $1`,
      [userId],
    );
    const expected = [...before, ...during]
      .filter((m) => m.kind === "attempt")
      .map((m) => m.id)
      .sort();
    expect(attempts.rows.map((row) => row.id).sort()).toEqual(expected);
    const cells = await direct.query(
      `SELECT "cellId", code FROM "${db.schema}"."cell_state" WHERE "userId" = $1 ORDER BY "cellId"`,
      [userId],
    );
    expect(cells.rows).toEqual(
      [0, 1, 2, 3, 4].map((i) => ({ cellId: `cell${i}`, code: `edit ${i + 5}` })),
    );
  }, 60_000);

  for (const when of ["before", "after"] as const) {
    it(`survives a connection dying ${when} a batch's commit reaches Postgres: no duplicates, no lost writes`, async () => {
      const learner = await signUp();
      const userId = await userIdOf(learner.email);
      const outbox = outboxFor(learner.cookie);
      await outbox.setOwner(userId);
      const mutations = Array.from({ length: 30 }, (_, i) => attempt(i));
      for (const m of mutations) await outbox.enqueue(m);
      answered.duplicates = 0;
      const fired = proxy.cutOnce(COMMIT_STATEMENT, when);
      void outbox.flush();
      await fired;
      // A new process after the crash: fresh pool and auth instance.
      await closeDb();
      resetAuth();
      await untilSaved(outbox);
      outbox.dispose();
      const { rows } = await direct.query(
        `SELECT id::text FROM "${db.schema}"."exercise_attempt" WHERE "userId" = $1`,
        [userId],
      );
      expect(rows.map((row) => row.id).sort()).toEqual(mutations.map((m) => m.id).sort());
      const recorded = await direct.query(
        `SELECT count(*)::int AS n FROM "${db.schema}"."sync_mutation" WHERE "userId" = $1`,
        [userId],
      );
      expect(recorded.rows[0].n).toBe(30);
      // After COMMIT the server had the batch: the resend must have been recognised as such.
      expect(answered.duplicates).toBe(when === "after" ? 10 : 0);
    }, 60_000);
  }
});
