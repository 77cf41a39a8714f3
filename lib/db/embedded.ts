import "server-only";
import { chmod, lstat, mkdir, mkdtemp, rm, rmdir, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { lockEmbeddedDatabase } from "./embedded-lock";
import { applyMigrations } from "./migrate";

// The embedded Postgres for `npm start` without DATABASE_URL: PGlite (Postgres compiled to
// WebAssembly) in this process, served by pglite-socket so that `pg`, Prisma and better-auth
// reach it like any Postgres. Everything here is asynchronous: a blocking call on this event
// loop would deadlock the database it serves.
//
// Who may connect: pglite-socket has no authentication (any client is superuser `postgres`),
// so it listens on a Unix socket, never TCP, inside a directory only this user can enter
// (0700) — other local users and their processes cannot reach it. PGlite answers one
// connection at a time, so the app's pool has exactly one connection (DATABASE_POOL_MAX=1).

export type EmbeddedDatabase = { url: string; socketDir: string; close(): Promise<void> };

// The socket's name is what `pg` derives from host + port: `${host}/.s.PGSQL.${port}`.
const SOCKET_PORT = 5432;
const SOCKET_NAME = `.s.PGSQL.${SOCKET_PORT}`;
// sun_path holds 108 bytes with its NUL on Linux (104 on macOS).
const MAX_SOCKET_PATH = 100;
// One live connection, plus room for the one being torn down: pg replaces a broken connection
// at once, before pglite-socket has noticed the old one closing, and refusing the new one
// failed whichever request wanted it ("Connection terminated unexpectedly").
const MAX_CONNECTIONS = 2;

/** A 0700 directory owned by this user, for the socket: `.data/<name>-socket` beside the data. */
async function privateSocketDir(dataDir: string): Promise<{ dir: string; temporary: boolean }> {
  const preferred = path.join(path.dirname(dataDir), `${path.basename(dataDir)}-socket`);
  if (path.join(preferred, SOCKET_NAME).length > MAX_SOCKET_PATH) {
    // A checkout deep in the file system: a fresh private directory (mkdtemp makes it 0700).
    return { dir: await mkdtemp(path.join(os.tmpdir(), "courses-pglite-")), temporary: true };
  }
  await mkdir(preferred, { recursive: true, mode: 0o700 });
  const stat = await lstat(preferred);
  // Refuse a directory someone else prepared (or a symlink to one): they could reach the socket.
  if (
    !stat.isDirectory() ||
    (typeof process.getuid === "function" && stat.uid !== process.getuid())
  ) {
    throw new Error(
      `${preferred} must be a directory owned by this user; remove it and start again.`,
    );
  }
  await chmod(preferred, 0o700);
  return { dir: preferred, temporary: false };
}

export async function startEmbeddedDatabase(dataDir = ".data/pglite"): Promise<EmbeddedDatabase> {
  // turbopackIgnore: a runtime data directory, not a file the server bundle needs traced.
  const absolute = path.resolve(/* turbopackIgnore: true */ dataDir);
  await mkdir(absolute, { recursive: true, mode: 0o700 });
  // Before anything touches the files: a second opener would hang (see embedded-lock.ts).
  const unlock = await lockEmbeddedDatabase(absolute);
  try {
    return await openEmbeddedDatabase(absolute, unlock);
  } catch (error) {
    await unlock();
    throw error;
  }
}

async function openEmbeddedDatabase(
  absolute: string,
  unlock: () => Promise<void>,
): Promise<EmbeddedDatabase> {
  const { dir: socketDir, temporary } = await privateSocketDir(absolute);
  const socketPath = path.join(socketDir, SOCKET_NAME);
  // A socket file left by a crashed run would make listen() fail with EADDRINUSE.
  await unlink(socketPath).catch(() => undefined);
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create(absolute);
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: MAX_CONNECTIONS });
  await server.start();
  await chmod(socketPath, 0o600);
  const url = `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    await unlink(socketPath).catch(() => undefined);
    await (temporary ? rm(socketDir, { recursive: true, force: true }) : rmdir(socketDir)).catch(
      () => undefined,
    );
    await unlock();
  };
  try {
    await applyMigrations(url);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, socketDir, close };
}
