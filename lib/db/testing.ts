import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { closeDb, getPrisma } from "./client";
import { parseConnectionTarget } from "./env";
import { applyMigrations } from "./migrate";

// For tests only: a throwaway Postgres schema per run on the real server at DATABASE_URL
// (default: the local CI database), with the migrations applied and DATABASE_URL pointed at it.

export const DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test";

export type TestDatabase = { url: string; schema: string; baseUrl: string; drop(): Promise<void> };

export async function createTestDatabase(
  baseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL,
): Promise<TestDatabase> {
  const { connectionString } = parseConnectionTarget(baseUrl);
  const schema = `test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  await applyMigrations(connectionString, { schema });
  const url = withSchema(connectionString, schema);
  process.env.DATABASE_URL = url;
  return {
    url,
    schema,
    baseUrl: connectionString,
    async drop() {
      await closeDb();
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export function withSchema(connectionString: string, schema: string): string {
  const url = new URL(connectionString);
  url.searchParams.set("schema", schema);
  return url.toString();
}

export async function createTestUser(
  email = `u-${randomUUID()}@example.test`,
): Promise<{ id: string; email: string }> {
  const id = randomUUID();
  await getPrisma().user.create({
    data: { id, email, name: email.split("@")[0] ?? "learner" },
    select: { id: true },
  });
  return { id, email };
}
