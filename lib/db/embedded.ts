import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { applyMigrations } from "./migrate";

// The embedded Postgres for `npm start` without DATABASE_URL: PGlite (Postgres compiled to
// WebAssembly) in this process, served on a localhost TCP port by pglite-socket so that `pg`,
// Prisma and better-auth reach it like any Postgres. PGlite answers one connection at a time,
// so the app's pool must have exactly one connection (DATABASE_POOL_MAX=1). Everything here is
// asynchronous: a blocking call on this event loop would deadlock the database it serves.

export type EmbeddedDatabase = { url: string; close(): Promise<void> };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

export async function startEmbeddedDatabase(dataDir = ".data/pglite", options: { port?: number } = {}): Promise<EmbeddedDatabase> {
  // turbopackIgnore: a runtime data directory, not a file the server bundle needs traced.
  const absolute = path.resolve(/* turbopackIgnore: true */ dataDir);
  await mkdir(absolute, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create(absolute);
  const port = options.port ?? (await freePort());
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1" });
  await server.start();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
  };
  try {
    await applyMigrations(url);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, close };
}
