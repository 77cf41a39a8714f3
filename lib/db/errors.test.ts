import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { getPrisma } from "./client";
import { classifyDatabaseError, isConnectionLost } from "./errors";
import { createTestDatabase, createTestUser, type TestDatabase } from "./testing";

// Real errors, as Prisma 7 + @prisma/adapter-pg throw them against the local Postgres, and the
// shapes of the layers below (pg, Node sockets, wrappers with `cause`).

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const failure = (work: () => Promise<unknown>) =>
  work().then(
    () => {
      throw new Error("expected the statement to fail");
    },
    (error: unknown) => error,
  );

describe("classifyDatabaseError", () => {
  it("calls data Postgres refuses invalid (SQLSTATE classes 22 and 23), through Prisma's wrapping", async () => {
    const prisma = getPrisma();
    // 22P02: the lone surrogate of probe M5, as jsonb sees it.
    const surrogate = await failure(() =>
      prisma.$queryRawUnsafe("SELECT $1::jsonb", JSON.stringify({ code: "a\ud800b" })),
    );
    expect(classifyDatabaseError(surrogate)).toBe("invalid-data");
    // 22021: NUL in text.
    expect(
      classifyDatabaseError(
        await failure(() => prisma.$queryRawUnsafe("SELECT $1::text", "a\u0000b")),
      ),
    ).toBe("invalid-data");
    // 22012 and 23505 (a model call: Prisma's P2002).
    expect(classifyDatabaseError(await failure(() => prisma.$queryRawUnsafe("SELECT 1 / 0")))).toBe(
      "invalid-data",
    );
    const user = await createTestUser();
    expect(
      classifyDatabaseError(
        await failure(() =>
          prisma.user.create({ data: { id: user.id, email: `x${user.email}`, name: "again" } }),
        ),
      ),
    ).toBe("invalid-data");
    expect(isConnectionLost(surrogate)).toBe(false);
  });

  it("calls unreachable databases and lost connections unavailable", async () => {
    const refused = await failure(async () => {
      const client = new pg.Client({
        connectionString: "postgresql://postgres@127.0.0.1:1/none",
        connectionTimeoutMillis: 2_000,
      });
      await client.connect();
    });
    expect(classifyDatabaseError(refused)).toBe("unavailable");
    expect(isConnectionLost(refused)).toBe(false); // refused: nothing ran, but no reason to hope either

    const terminated = Object.assign(new Error("Connection terminated unexpectedly"), {
      clientVersion: "7.10.1",
    });
    expect(classifyDatabaseError(terminated)).toBe("unavailable");
    expect(isConnectionLost(terminated)).toBe(true);
    const reset = Object.assign(new Error("read ECONNRESET"), {
      code: "ECONNRESET",
      syscall: "read",
      errno: -104,
    });
    expect(isConnectionLost(new Error("sync failed", { cause: reset }))).toBe(true);
    expect(
      classifyDatabaseError({
        code: "57P01",
        severity: "FATAL",
        message: "terminating connection due to administrator command",
      }),
    ).toBe("unavailable");
  });

  it("walks cause chains and tells conflicts from bugs", () => {
    const pgError = {
      code: "22021",
      severity: "ERROR",
      message: 'invalid byte sequence for encoding "UTF8": 0x00',
    };
    expect(
      classifyDatabaseError(
        new Error("batch failed", { cause: new Error("statement failed", { cause: pgError }) }),
      ),
    ).toBe("invalid-data");
    expect(
      classifyDatabaseError({
        code: "P2010",
        meta: {
          driverAdapterError: {
            cause: { originalCode: "40001", kind: "TransactionWriteConflict" },
          },
        },
      }),
    ).toBe("conflict");
    expect(classifyDatabaseError({ code: "40P01", message: "deadlock detected" })).toBe("conflict");
    expect(classifyDatabaseError({ code: "42P01", message: 'relation "x" does not exist' })).toBe(
      "other",
    );
    expect(classifyDatabaseError(new TypeError("undefined is not a function"))).toBe("other");
    expect(classifyDatabaseError("a string")).toBe("other");
  });
});
