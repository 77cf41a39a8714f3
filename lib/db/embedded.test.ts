import { afterAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./embedded";

// Smoke test of the embedded database: PGlite behind pglite-socket, migrations applied, data
// kept across a restart on the same directory — and reachable only by this user.
describe("startEmbeddedDatabase", () => {
  let dir = "";
  let db: EmbeddedDatabase | undefined;
  afterAll(async () => {
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("serves Postgres with the schema and keeps data across restarts", async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "courses-pglite-"));
    const dataDir = path.join(dir, "pglite");
    db = await startEmbeddedDatabase(dataDir);
    let client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(
      `INSERT INTO "user" (id, name, email, "updatedAt") VALUES ('u1', 'Ada', 'ada@example.test', now())`,
    );
    const migrations = await client.query(
      `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`,
    );
    expect(migrations.rows[0].n).toBeGreaterThan(0);
    await client.end();
    await db.close();

    db = await startEmbeddedDatabase(dataDir);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const users = await client.query(`SELECT email FROM "user"`);
    expect(users.rows).toEqual([{ email: "ada@example.test" }]);
    await client.end();
  }, 60_000);

  it("listens on a Unix socket in a 0700 directory beside the data, not on TCP", async () => {
    if (!db) throw new Error("the previous test starts the database");
    const url = new URL(db.url);
    expect(url.searchParams.get("host")).toBe(db.socketDir);
    expect(db.socketDir).toBe(path.join(dir, "pglite-socket"));
    expect((await stat(db.socketDir)).mode & 0o777).toBe(0o700);
    const socket = await stat(path.join(db.socketDir, ".s.PGSQL.5432"));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o077).toBe(0);
  });

  // Root ignores file modes, so the refusal is seen from an unprivileged user (nobody).
  it.skipIf(process.getuid?.() !== 0)("refuses another local user's connection", async () => {
    if (!db) throw new Error("the first test starts the database");
    const socketPath = path.join(db.socketDir, ".s.PGSQL.5432");
    await chmod(dir, 0o755); // mkdtemp's 0700 would hide the socket by itself
    const probe = `require("net").connect(${JSON.stringify(socketPath)}).on("connect", () => { console.log("connected"); process.exit(0); }).on("error", (e) => { console.log(e.code); process.exit(0); })`;
    const asNobody = async () =>
      (
        await promisify(execFile)(process.execPath, ["-e", probe], {
          uid: 65534,
          gid: 65534,
          cwd: "/",
        })
      ).stdout.trim();
    expect(await asNobody()).toBe("EACCES");
    // Control: with the directory and socket opened up, the same probe gets in — so the
    // refusal above comes from the modes the server set.
    await chmod(db.socketDir, 0o755);
    await chmod(socketPath, 0o777);
    try {
      expect(await asNobody()).toBe("connected");
    } finally {
      await chmod(db.socketDir, 0o700);
      await chmod(socketPath, 0o600);
    }
  });
});
