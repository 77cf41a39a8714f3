import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { parseConnectionTarget } from "./env";

// Applies prisma/migrations without Prisma's native schema engine (it cannot be downloaded
// here), keeping Prisma's own bookkeeping: the same `_prisma_migrations` table, checksum (sha256
// hex of migration.sql), names and advisory lock, so `prisma migrate deploy` on a connected
// machine sees the same history and applies only what is missing.

/** The key Prisma's schema engine locks with, so our migrator and Prisma's never run at once. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationFile = { name: string; sql: string; checksum: string };
export type MigrationReport = {
  applied: string[];
  alreadyApplied: string[];
  checksumMismatch: string[];
};
export type MigrateOptions = { migrationsDir?: string; schema?: string };

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

function defaultMigrationsDir(): string {
  // turbopackIgnore: read at run time from the deployed project, not traced into the bundle.
  return path.join(/* turbopackIgnore: true */ process.cwd(), "prisma", "migrations");
}

export async function readMigrations(
  dir: string = defaultMigrationsDir(),
): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

type Queryable = Pick<pg.ClientBase, "query">;

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function applyWithClient(
  client: Queryable,
  options: MigrateOptions,
): Promise<MigrationReport> {
  const migrations = await readMigrations(options.migrationsDir);
  if (options.schema) {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
    await client.query(`SET search_path TO ${quoteIdent(options.schema)}`);
  }
  await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
  try {
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`);
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) {
      throw new Error(
        `Migration ${failed.migration_name} failed earlier and is not resolved; fix the database, then run ` +
          `\`npx prisma migrate resolve --rolled-back ${failed.migration_name}\` (or --applied).`,
      );
    }
    const done = new Map(
      rows
        .filter((row) => row.finished_at !== null)
        .map((row) => [row.migration_name, row.checksum]),
    );
    const report: MigrationReport = { applied: [], alreadyApplied: [], checksumMismatch: [] };
    for (const migration of migrations) {
      const recorded = done.get(migration.name);
      if (recorded !== undefined) {
        report.alreadyApplied.push(migration.name);
        if (recorded !== migration.checksum) report.checksumMismatch.push(migration.name);
        continue;
      }
      // One transaction per migration: the script and its bookkeeping row commit together, so a
      // crash never leaves a half-applied migration behind (Postgres DDL is transactional).
      await client.query("BEGIN");
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`Migration ${migration.name} failed and was rolled back: ${message}`);
      }
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
    if (options.schema) await client.query("RESET search_path");
  }
}

/**
 * Applies every migration in prisma/migrations that the database lacks. Accepts a connection
 * string (a `?schema=` parameter selects the schema) or a connected `pg` client.
 */
export async function applyMigrations(
  target: string | pg.ClientBase,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  if (typeof target !== "string") return applyWithClient(target, options);
  const { connectionString, schema } = parseConnectionTarget(target);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await applyWithClient(client, { ...options, schema: options.schema ?? schema });
  } finally {
    await client.end();
  }
}
