import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./embedded";

// Smoke test of the embedded database: PGlite behind pglite-socket, migrations applied, data
// kept across a restart on the same directory.
describe("startEmbeddedDatabase", () => {
  let dir = "";
  let db: EmbeddedDatabase | undefined;
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("serves Postgres with the schema and keeps data across restarts", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "courses-pglite-"));
    db = await startEmbeddedDatabase(dir);
    let client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO "user" (id, name, email, "updatedAt") VALUES ('u1', 'Ada', 'ada@example.test', now())`);
    const migrations = await client.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`);
    expect(migrations.rows[0].n).toBeGreaterThan(0);
    await client.end();
    await db.close();

    db = await startEmbeddedDatabase(dir);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const users = await client.query(`SELECT email FROM "user"`);
    expect(users.rows).toEqual([{ email: "ada@example.test" }]);
    await client.end();
  }, 60_000);
});
