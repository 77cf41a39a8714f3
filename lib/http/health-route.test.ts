import { afterEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";

// Liveness must not depend on the database: an orchestrator restarting every instance during a
// database outage turns a partial outage into a full one.
describe("GET /api/health", () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    process.env.DATABASE_URL = saved;
  });

  it("answers 200 { ok: true } at once even when the database is unreachable", async () => {
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/none";
    const started = Date.now();
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(Date.now() - started).toBeLessThan(200);
  });
});
