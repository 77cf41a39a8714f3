import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { parseConnectionTarget, readDbEnv } from "./env";

// The ONE Prisma client of the process. Cached on globalThis in production too: Next bundles
// pages and route handlers separately, and two clients mean two pools — which the embedded
// database (one connection) answers with "Connection terminated unexpectedly".

type DbHandle = { prisma: PrismaClient; pool: pg.Pool; url: string };
const HANDLE = Symbol.for("courses.db.handle");
type GlobalWithDb = typeof globalThis & { [HANDLE]?: DbHandle };

function createHandle(url: string): DbHandle {
  const env = readDbEnv();
  const { connectionString, schema } = parseConnectionTarget(url);
  const pool = new pg.Pool({
    connectionString,
    max: env.poolMax ?? 10,
    // Fail fast when the database is unreachable: the browser keeps the writes in its outbox
    // and retries, so a quick 503 is better than a hanging request.
    connectionTimeoutMillis: 5_000,
    query_timeout: 15_000,
    idleTimeoutMillis: 30_000,
    // Raw SQL in the repositories is unqualified; the search path points it at the schema.
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  pool.on("error", (error) => console.error(`[db] idle connection error: ${error.message}`));
  const adapter = new PrismaPg(pool, schema ? { schema } : undefined);
  return { prisma: new PrismaClient({ adapter }), pool, url };
}

export function getPrisma(): PrismaClient {
  const store = globalThis as GlobalWithDb;
  // Hot path (every query): no parsing when the URL is the one the client was made for.
  const cached = store[HANDLE];
  if (cached && cached.url === process.env.DATABASE_URL) return cached.prisma;
  const url = readDbEnv().databaseUrl;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set and the embedded database was not started. Start the app with `npm start` " +
        "(which starts it) or set DATABASE_URL=postgresql://…",
    );
  }
  const existing = store[HANDLE];
  if (existing && existing.url === url) return existing.prisma;
  if (existing) void closeHandle(existing);
  const handle = createHandle(url);
  store[HANDLE] = handle;
  return handle.prisma;
}

async function closeHandle(handle: DbHandle): Promise<void> {
  await handle.prisma.$disconnect().catch(() => undefined);
  await handle.pool.end().catch(() => undefined);
}

/** Closes the client and its pool (tests, graceful shutdown). The next getPrisma() reopens. */
export async function closeDb(): Promise<void> {
  const store = globalThis as GlobalWithDb;
  const handle = store[HANDLE];
  delete store[HANDLE];
  if (handle) await closeHandle(handle);
}
