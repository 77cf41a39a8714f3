import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { startTcpProxy, type TcpProxy } from "@/lib/progress/testing/tcp-proxy";
import { closeDb, dbQuery, getPrisma, retryAfterLossOrConflict, withTransaction } from "./client";
import { classifyDatabaseError } from "./errors";
import { createTestDatabase, withSchema, type TestDatabase } from "./testing";

// The shared pool (lib/db/client.ts) against the real Postgres, through a TCP proxy that can
// cut the connection exactly when a given statement is sent.

let db: TestDatabase;
let proxy: TcpProxy;
const saved = process.env.DATABASE_POOL_MAX;

beforeAll(async () => {
  db = await createTestDatabase();
  const target = new URL(db.baseUrl);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  await closeDb();
  process.env.DATABASE_URL = withSchema(proxy.url(db.baseUrl), db.schema);
  // One connection, as with the embedded database.
  process.env.DATABASE_POOL_MAX = "1";
});
afterAll(async () => {
  if (saved === undefined) delete process.env.DATABASE_POOL_MAX;
  else process.env.DATABASE_POOL_MAX = saved;
  await closeDb();
  await proxy?.close();
  await db?.drop();
});

const backendPid = async () =>
  (await getPrisma().$queryRawUnsafe<{ pid: number }[]>("SELECT pg_backend_pid() AS pid"))[0]?.pid;

describe("the shared connection pool", () => {
  it("keeps its connection when a statement fails on bad data", async () => {
    const before = await backendPid();
    const failure = await getPrisma()
      .$queryRawUnsafe("SELECT $1::jsonb", '{"a": "\\ud800"}')
      .catch((error: unknown) => error);
    expect(classifyDatabaseError(failure)).toBe("invalid-data");
    await expect(getPrisma().$queryRawUnsafe("SELECT 1 / 0")).rejects.toThrow(/division by zero/);
    // pg-pool's own query() would have thrown the connection away: a new backend pid.
    expect(await backendPid()).toBe(before);
  });

  it("runs a named statement unnamed when the session already holds that name", async () => {
    // The embedded database serves every connection from one session: another connection may
    // have prepared the name. Here the session prepares it by SQL, unknown to the driver.
    await dbQuery(`PREPARE "probe-held-name" AS SELECT 2 AS n`);
    const rows = await dbQuery<{ n: number }>(`SELECT $1::int AS n`, [7], "probe-held-name");
    expect(rows).toEqual([{ n: 7 }]);
    await dbQuery(`DEALLOCATE "probe-held-name"`);
  });

  it("re-runs a read whose connection died, on a new connection", async () => {
    const before = await backendPid();
    const cut = proxy.cutOnce("'reread-marker'", "before");
    const rows = await getPrisma().$queryRawUnsafe<{ v: string }[]>("SELECT 'reread-marker' AS v");
    await cut;
    expect(rows).toEqual([{ v: "reread-marker" }]);
    expect(await backendPid()).not.toBe(before);
  });

  it("does not re-run a write whose connection died (it may have been applied)", async () => {
    const id = randomUUID();
    const cut = proxy.cutOnce(id, "after");
    const write = getPrisma().$executeRawUnsafe(
      `INSERT INTO "user" (id, name, email, "updatedAt") VALUES ('${id}', 'w', '${id}@example.test', now())`,
    );
    await expect(write).rejects.toThrow(/Connection terminated/);
    await cut;
    expect(classifyDatabaseError(await write.catch((error: unknown) => error))).toBe("unavailable");
    // Applied once by the server, never twice (a second try would have hit the primary key).
    const rows = await getPrisma().$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "user" WHERE id = $1`,
      id,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it("rolls a transaction back when the work throws, keeping the connection", async () => {
    const before = await backendPid();
    const id = randomUUID();
    const failure = withTransaction(async (client) => {
      await client.query(
        `INSERT INTO "user" (id, name, email, "updatedAt") VALUES ($1, 'tx', $2, now())`,
        [id, `${id}@example.test`],
      );
      throw new Error("changed my mind");
    });
    await expect(failure).rejects.toThrow("changed my mind");
    const rows = await getPrisma().$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "user" WHERE id = $1`,
      id,
    );
    expect(rows[0]?.n).toBe(0);
    expect(await backendPid()).toBe(before);
  });

  it("runs a transaction once more when its connection dies, if asked to", async () => {
    const id = randomUUID();
    const cut = proxy.cutOnce(`tx-${id}`, "before");
    let tries = 0;
    await withTransaction(
      async (client) => {
        tries += 1;
        await client.query(
          `INSERT INTO "user" (id, name, email, "updatedAt") VALUES ($1, 'tx', $2, now())`,
          [id, `tx-${id}@example.test`],
        );
      },
      { retryAfterLossOrConflict: true },
    );
    await cut;
    expect(tries).toBe(2);
    const rows = await getPrisma().$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM "user" WHERE id = $1`,
      id,
    );
    expect(rows[0]?.n).toBe(1);
  });
});

describe("retryAfterLossOrConflict", () => {
  it("runs the work once more after a deadlock or serialization failure, and not after other errors", async () => {
    for (const code of ["40P01", "40001"]) {
      let tries = 0;
      const result = await retryAfterLossOrConflict(async () => {
        tries += 1;
        if (tries === 1) throw Object.assign(new Error("deadlock detected"), { code });
        return "done";
      });
      expect([result, tries]).toEqual(["done", 2]);
    }
    let tries = 0;
    const invalid = retryAfterLossOrConflict(async () => {
      tries += 1;
      throw Object.assign(new Error("invalid input syntax"), { code: "22P02" });
    });
    await expect(invalid).rejects.toThrow("invalid input syntax");
    expect(tries).toBe(1);
  });
});
