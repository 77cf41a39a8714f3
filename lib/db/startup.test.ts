import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { registeredClosers, resetShutdownRegistry, runClosers } from "@/lib/http/shutdown";
import { getPrisma } from "./client";
import { prepareDatabase } from "./startup";

// The database must outlive the last request: start-up registers its closers with the shutdown
// registry (run after HTTP drains) instead of its own signal handler that closed it mid-request.
describe("prepareDatabase with the embedded database", () => {
  const saved = { url: process.env.DATABASE_URL, poolMax: process.env.DATABASE_POOL_MAX };
  let dir = "";
  afterAll(async () => {
    resetShutdownRegistry();
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("courses.db.startup")];
    process.env.DATABASE_URL = saved.url;
    process.env.DATABASE_POOL_MAX = saved.poolMax;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("installs no signal handler and is closed, pool first, by the shutdown closers", async () => {
    resetShutdownRegistry();
    delete process.env.DATABASE_URL;
    dir = await mkdtemp(path.join(os.tmpdir(), "courses-startup-"));
    const signalHandlers = process.listenerCount("SIGTERM") + process.listenerCount("SIGINT");

    const startup = await prepareDatabase(path.join(dir, "pglite"));
    expect(startup.embedded).toBe(true);
    expect(process.listenerCount("SIGTERM") + process.listenerCount("SIGINT")).toBe(signalHandlers);
    expect(registeredClosers()).toEqual(["database-pool", "embedded-database"]);

    await expect(getPrisma().$queryRawUnsafe("SELECT 1 AS one")).resolves.toEqual([{ one: 1 }]);
    await expect(runClosers(() => undefined)).resolves.toEqual({ failed: [] });
    const client = new pg.Client({ connectionString: startup.url, connectionTimeoutMillis: 2_000 });
    await expect(client.connect()).rejects.toThrow();
  }, 60_000);
});
