import "server-only";
import { onShutdown } from "@/lib/http/shutdown";
import { closeDb } from "./client";
import { readDbEnv } from "./env";
import { applyMigrations } from "./migrate";
import type { EmbeddedDatabase } from "./embedded";

// Called once per server process before the first request (instrumentation.ts register()):
// with DATABASE_URL unset it starts the embedded database and points DATABASE_URL at it; with
// DATABASE_URL set it applies missing migrations (DATABASE_MIGRATE_ON_START=false to skip).

const STARTED = Symbol.for("courses.db.startup");
type GlobalWithStartup = typeof globalThis & { [STARTED]?: Promise<DatabaseStartup> };

export type DatabaseStartup = { url: string; embedded: boolean; applied: string[] };

async function start(dataDir: string): Promise<DatabaseStartup> {
  const env = readDbEnv();
  onShutdown("database-pool", closeDb, 10);
  if (env.databaseUrl) {
    const applied = env.migrateOnStart ? (await applyMigrations(env.databaseUrl)).applied : [];
    return { url: env.databaseUrl, embedded: false, applied };
  }
  const { startEmbeddedDatabase } = await import("./embedded");
  const embedded: EmbeddedDatabase = await startEmbeddedDatabase(dataDir);
  process.env.DATABASE_URL = embedded.url;
  process.env.DATABASE_POOL_MAX = "1";
  // After HTTP has drained (lib/http/shutdown.ts): the pool first, then PGlite, so its data
  // directory is left consistent.
  onShutdown("embedded-database", () => embedded.close(), 11);
  return { url: embedded.url, embedded: true, applied: [] };
}

export function prepareDatabase(
  dataDir = process.env.PGLITE_DATA_DIR ?? ".data/pglite",
): Promise<DatabaseStartup> {
  const store = globalThis as GlobalWithStartup;
  store[STARTED] ??= start(dataDir);
  return store[STARTED];
}
