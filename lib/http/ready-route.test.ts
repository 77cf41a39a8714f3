import { afterEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/ready/route";
import { closeDb } from "@/lib/db/client";
import { closeDriver } from "@/lib/neo4j/driver";
import { markShuttingDown, resetShutdownRegistry } from "./shutdown";

// Readiness through the real route and the app's own clients, against dependencies that are down.
describe("GET /api/ready", () => {
  const saved = {
    db: process.env.DATABASE_URL,
    neo4j: process.env.NEO4J_URI,
    redis: process.env.REDIS_URL,
  };
  afterEach(async () => {
    resetShutdownRegistry();
    await closeDb();
    await closeDriver();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it("answers 503 naming each failed dependency, without leaking the connection string", async () => {
    process.env.DATABASE_URL = "postgresql://ready_user:s3cret@127.0.0.1:1/none";
    process.env.NEO4J_URI = "bolt://127.0.0.1:1";
    process.env.REDIS_URL = "redis://:s3cret@127.0.0.1:1";
    const response = await GET();
    expect(response.status).toBe(503);
    const body = (await response.json()) as { ok: boolean; checks: Record<string, string> };
    expect(body.ok).toBe(false);
    expect(Object.keys(body.checks).sort()).toEqual(["cypher", "db", "redis"]);
    for (const result of Object.values(body.checks)) expect(result).toMatch(/^failed: /);
    expect(JSON.stringify(body)).not.toContain("s3cret");
  });

  it("answers 503 at once while the server is stopping, probing nothing", async () => {
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/none";
    markShuttingDown();
    const started = Date.now();
    const response = await GET();
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, error: "shutting down" });
    expect(Date.now() - started).toBeLessThan(100);
  });
});
