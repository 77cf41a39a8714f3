import { describe, expect, it } from "vitest";
import { bearerMatches, metricsResponse, readMetricsEnv } from "./exposition";
import { createAppMetrics, recordSyncBatch } from "./metrics";

const TOKEN = "a-metrics-token-of-32-characters";

function scrape(authorization?: string) {
  return new Request("http://app.test/api/metrics", {
    headers: authorization ? { authorization } : {},
  });
}

describe("the metrics token", () => {
  it("is optional, and refused when short or containing spaces", () => {
    expect(readMetricsEnv({})).toEqual({ token: undefined });
    expect(readMetricsEnv({ METRICS_TOKEN: "" })).toEqual({ token: undefined });
    expect(readMetricsEnv({ METRICS_TOKEN: TOKEN })).toEqual({ token: TOKEN });
    expect(() => readMetricsEnv({ METRICS_TOKEN: "short" })).toThrow(/at least 24 characters/);
    expect(() => readMetricsEnv({ METRICS_TOKEN: `${TOKEN} x` })).toThrow(/without spaces/);
  });

  it("matches only the exact bearer token", () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(bearerMatches(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerMatches(null, TOKEN)).toBe(false);
  });
});

describe("GET /api/metrics", () => {
  const metrics = createAppMetrics({ defaults: false });
  recordSyncBatch({ applied: 2, duplicates: 0, stale: 0, ignored: 0 }, metrics);

  it("is 404 while METRICS_TOKEN is unset, whatever the request carries", async () => {
    const response = await metricsResponse(
      scrape(`Bearer ${TOKEN}`),
      { token: undefined },
      metrics.registry,
    );
    expect(response.status).toBe(404);
    expect(await response.text()).toMatch(/set METRICS_TOKEN/);
  });

  it("is 401 with a Bearer challenge and no metrics for a missing or wrong token", async () => {
    for (const authorization of [
      undefined,
      "Bearer wrong-token-wrong-token-wrong",
      `Basic ${TOKEN}`,
    ]) {
      const response = await metricsResponse(
        scrape(authorization),
        { token: TOKEN },
        metrics.registry,
      );
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(await response.text()).not.toContain("courses_");
    }
  });

  it("serves the Prometheus text format to the token holder", async () => {
    const response = await metricsResponse(
      scrape(`Bearer ${TOKEN}`),
      { token: TOKEN },
      metrics.registry,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const text = await response.text();
    expect(text).toContain('courses_sync_mutations_total{outcome="applied"} 2');
  });
});
