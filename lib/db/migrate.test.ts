import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import pg from "pg";
import { applyMigrations, migrationChecksum, readMigrations } from "./migrate";
import { DEFAULT_TEST_DATABASE_URL } from "./testing";

const base =
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL?.split("?")[0] ??
  DEFAULT_TEST_DATABASE_URL;

describe("applyMigrations", () => {
  it("uses Prisma's checksum (sha256 of migration.sql)", async () => {
    const [first] = await readMigrations();
    expect(first).toBeDefined();
    const raw = readFileSync(`prisma/migrations/${first!.name}/migration.sql`);
    expect(first!.checksum).toBe(createHash("sha256").update(raw).digest("hex"));
    expect(migrationChecksum("")).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
  });

  it("applies once, records Prisma's bookkeeping, and is a no-op the second time", async () => {
    const schema = `migrate_${Date.now().toString(36)}`;
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      const first = await applyMigrations(client, { schema });
      const names = (await readMigrations()).map((migration) => migration.name);
      expect(first.applied).toEqual(names);
      const second = await applyMigrations(client, { schema });
      expect(second).toEqual({ applied: [], alreadyApplied: names, checksumMismatch: [] });
      const { rows } = await client.query(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count FROM "${schema}"."_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows).toEqual(
        (await readMigrations()).map((m) => ({
          migration_name: m.name,
          checksum: m.checksum,
          finished: true,
          applied_steps_count: 1,
        })),
      );
      const tables = await client.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
        [schema],
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining([
          "user",
          "session",
          "account",
          "verification",
          "cell_state",
          "exercise_attempt",
          "lesson_progress",
          "sync_mutation",
        ]),
      );
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  it("refuses to continue after an unresolved failed migration, as prisma migrate deploy does", async () => {
    const schema = `migrate_failed_${Date.now().toString(36)}`;
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await applyMigrations(client, { schema });
      await client.query(
        `INSERT INTO "${schema}"."_prisma_migrations" (id, checksum, migration_name) VALUES ('x', 'y', '99999999999999_broken')`,
      );
      await expect(applyMigrations(client, { schema })).rejects.toThrow(
        /99999999999999_broken failed earlier/,
      );
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});
