import { describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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

describe("20261205033000_redact_deleted_accounts_in_role_audit", () => {
  it("replaces the e-mails of accounts deleted earlier in the role audit, and nothing else", async () => {
    const schema = `redact_${Date.now().toString(36)}`;
    const before = mkdtempSync(path.join(tmpdir(), "migrations-"));
    for (const { name } of await readMigrations())
      if (name < "20261205033000")
        cpSync(`prisma/migrations/${name}`, path.join(before, name), { recursive: true });
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await applyMigrations(client, { schema, migrationsDir: before });
      const table = `"${schema}"."role_change"`;
      await client.query(`INSERT INTO "${schema}"."user" ("id", "name", "email", "emailVerified", "createdAt", "updatedAt")
                          VALUES ('live', 'Live', 'live@example.test', false, now(), now())`);
      // Rows as a deletion before the redaction left them (ids null), and rows of a live account.
      await client.query(
        `INSERT INTO ${table} ("id", "actor", "actorUserId", "targetUserId", "targetEmail", "fromRole", "toRole") VALUES
           ('1', 'cli:root', NULL, NULL, 'gone@example.test', 'learner', 'admin'),
           ('2', 'gone@example.test', NULL, 'live', 'live@example.test', 'learner', 'instructor'),
           ('3', 'cli:root', NULL, 'live', 'live@example.test', 'instructor', 'admin')`,
      );
      await applyMigrations(client, { schema });
      const { rows } = await client.query(
        `SELECT "id", "actor", "targetEmail" FROM ${table} ORDER BY "id"`,
      );
      expect(rows).toEqual([
        { id: "1", actor: "cli:root", targetEmail: "deleted account" },
        { id: "2", actor: "deleted account", targetEmail: "live@example.test" },
        { id: "3", actor: "cli:root", targetEmail: "live@example.test" },
      ]);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
