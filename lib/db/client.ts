import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/client";
import { parseConnectionTarget, readDbEnv } from "./env";
import { classifyDatabaseError, isConnectionLost } from "./errors";

// The ONE Prisma client of the process. Cached on globalThis in production too: Next bundles
// pages and route handlers separately, and two clients mean two pools — which the embedded
// database (one connection) answers with "Connection terminated unexpectedly".

type DbHandle = { prisma: PrismaClient; pool: pg.Pool; url: string };
const HANDLE = Symbol.for("courses.db.handle");
type GlobalWithDb = typeof globalThis & { [HANDLE]?: DbHandle };

type QueryInput = string | pg.QueryConfig;

/** Only plain SELECTs are re-run after a lost connection: running one twice changes nothing. */
const isRead = (query: QueryInput) =>
  /^\s*SELECT\b/i.test(typeof query === "string" ? query : query.text);

/**
 * pg-pool's own `query()` throws away the connection after ANY error, a bad value included. With
 * the embedded database (one connection) that cost other learners their requests: the new
 * connection raced the old one's teardown and was refused. Here a statement error the server
 * reported keeps the connection; only a broken connection is discarded, and a read that lost its
 * connection — or a statement that never got one — is tried once more on a fresh one.
 */
class SharedConnectionPool extends pg.Pool {
  // Prisma's adapter calls the promise form with a config object; callbacks and streams (not
  // used here) keep pg's behaviour.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const [query, values, callback] = args as [unknown, unknown, unknown];
    const plain =
      typeof query === "string" ||
      (typeof query === "object" &&
        query !== null &&
        typeof (query as { submit?: unknown }).submit !== "function");
    if (!plain || typeof values === "function" || typeof callback === "function")
      return (super.query as (...a: unknown[]) => unknown)(...args);
    return this.run(query as QueryInput, values as unknown[] | undefined, false);
  }

  private async run(
    query: QueryInput,
    values: unknown[] | undefined,
    retried: boolean,
  ): Promise<pg.QueryResult> {
    let client: pg.PoolClient;
    try {
      client = await this.connect();
    } catch (error) {
      // Nothing was sent: safe to try again whatever the statement.
      if (!retried && isConnectionLost(error)) return this.run(query, values, true);
      throw error;
    }
    // A checked-out client reports a dying socket as an 'error' event; the query rejects as well.
    client.on("error", ignore);
    try {
      const result = await client.query(query, values);
      client.off("error", ignore);
      client.release();
      return result;
    } catch (error) {
      client.off("error", ignore);
      const lost = !(error instanceof pg.DatabaseError) || isConnectionLost(error);
      client.release(lost ? toError(error) : undefined);
      if (!retried && isConnectionLost(error) && isRead(query))
        return this.run(query, values, true);
      throw error;
    }
  }
}

const ignore = () => undefined;
const toError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

function createHandle(url: string): DbHandle {
  const env = readDbEnv();
  const { connectionString, schema } = parseConnectionTarget(url);
  const pool = new SharedConnectionPool({
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

function getHandle(): DbHandle {
  const store = globalThis as GlobalWithDb;
  // Hot path (every query): no parsing when the URL is the one the client was made for.
  const cached = store[HANDLE];
  if (cached && cached.url === process.env.DATABASE_URL) return cached;
  const url = readDbEnv().databaseUrl;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set and the embedded database was not started. Start the app with `npm start` " +
        "(which starts it) or set DATABASE_URL=postgresql://…",
    );
  }
  const existing = store[HANDLE];
  if (existing && existing.url === url) return existing;
  if (existing) void closeHandle(existing);
  const handle = createHandle(url);
  store[HANDLE] = handle;
  return handle;
}

export function getPrisma(): PrismaClient {
  return getHandle().prisma;
}

/**
 * One raw statement on the shared pool, for the hot paths (session check, sync reads): about a
 * tenth of the CPU of the same statement through Prisma's raw-query API (measured on the sync
 * path, docs/benchmarks/progress.md). A SELECT that lost its connection is tried once more.
 * `prepareAs` names the statement: each connection then parses and plans it once, not on every
 * call (the sync commit: half the Postgres CPU). Only for constant text; one name per text.
 * Not for a pooler in transaction mode (PgBouncer), which moves statements between sessions.
 */
export async function dbQuery<R extends pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
  prepareAs?: string,
): Promise<R[]> {
  const pool = getHandle().pool;
  if (prepareAs) {
    try {
      return ((await pool.query({ name: prepareAs, text, values })) as pg.QueryResult<R>).rows;
    } catch (error) {
      // 42P05: the session already holds the name though this connection never prepared it —
      // the embedded database serves every connection from one session. Run it unnamed.
      if (!(error instanceof pg.DatabaseError && error.code === "42P05")) throw error;
    }
  }
  return ((await pool.query(text, values)) as pg.QueryResult<R>).rows;
}

/**
 * Runs `work` once more if the connection was lost under it, or if Postgres rolled it back as
 * a deadlock's victim or a serialization failure (40P01, 40001: nothing of it landed). Only for
 * idempotent work: after a lost connection the first try may have reached the database.
 */
export async function retryAfterLossOrConflict<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isConnectionLost(error) && classifyDatabaseError(error) !== "conflict") throw error;
    return work();
  }
}

export type TransactionClient = Pick<pg.PoolClient, "query">;

/**
 * BEGIN … COMMIT on one pooled connection, for work that must be all or nothing; a throw from
 * `work` rolls back. Raw pg: a Prisma interactive transaction costs several times more here.
 * With `retryAfterLossOrConflict` the whole transaction runs once more if the connection dies or
 * Postgres rolls it back as a deadlock victim —
 * the caller's work must then be safe to repeat (a COMMIT may have landed before the loss).
 */
export async function withTransaction<T>(
  work: (client: TransactionClient) => Promise<T>,
  options: { retryAfterLossOrConflict?: boolean } = {},
): Promise<T> {
  const once = async () => {
    const client = await getHandle().pool.connect();
    client.on("error", ignore);
    const release = (error?: Error) => {
      client.off("error", ignore);
      client.release(error);
    };
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      release();
      return result;
    } catch (error) {
      if (isConnectionLost(error)) {
        release(toError(error));
      } else {
        const rolledBack = await client.query("ROLLBACK").then(
          () => true,
          () => false,
        );
        release(rolledBack ? undefined : new Error("rollback failed"));
      }
      throw error;
    }
  };
  return options.retryAfterLossOrConflict ? retryAfterLossOrConflict(once) : once();
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
