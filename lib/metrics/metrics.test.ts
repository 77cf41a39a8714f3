import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseTrustedProxies } from "@/lib/http/client-address";
import { createLogger } from "@/lib/http/log";
import { currentRequest } from "@/lib/http/request-context";
import { createRequestPipeline } from "@/lib/http/request-pipeline";
import {
  cachedDepthSource,
  createAppMetrics,
  observeCypherQuery,
  observeHttpRequest,
  observeRustBuild,
  observeRustQueueWait,
  recordCacheLookup,
  recordSyncBatch,
  setRustQueueDepthSource,
  statusClass,
} from "./metrics";
import { routeLabelForPath } from "./route-label";

/** The value of one sample line of the exposition, e.g. `name{a="b"} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("app metrics exposition", () => {
  it("exposes every metric the app records, with bounded labels", async () => {
    const metrics = createAppMetrics({ defaults: false });
    observeHttpRequest("progress/sync", "POST", 200, 0.02, metrics);
    observeHttpRequest("progress/sync", "POST", 204, 0.2, metrics);
    observeHttpRequest("page:lesson", "BREW", 503, 1.5, metrics);
    recordSyncBatch({ applied: 3, duplicates: 1, stale: 2, ignored: 1 }, metrics);
    observeRustQueueWait("in-process", 0.3, metrics);
    observeRustBuild("run", "ok", 1.2, metrics);
    observeCypherQuery("check", false, 0.007, metrics);
    recordCacheLookup("catalog-progress", "hit", metrics);
    recordCacheLookup("catalog-progress", "hit", metrics);
    recordCacheLookup("catalog-progress", "miss", metrics);
    let depth = 4;
    setRustQueueDepthSource("in-process", () => depth, metrics);
    setRustQueueDepthSource("bullmq", () => Promise.reject(new Error("redis down")), metrics);

    const text = await metrics.registry.metrics();
    expect(text).toContain("# TYPE courses_http_request_duration_seconds histogram");
    const sync = 'route="progress/sync",method="POST",status_class="2xx"';
    expect(sample(text, `courses_http_request_duration_seconds_count{${sync}}`)).toBe(2);
    expect(sample(text, `courses_http_request_duration_seconds_bucket{le="0.025",${sync}}`)).toBe(
      1,
    );
    expect(
      sample(
        text,
        'courses_http_request_duration_seconds_count{route="page:lesson",method="other",status_class="5xx"}',
      ),
    ).toBe(1);
    expect(sample(text, 'courses_sync_mutations_total{outcome="applied"}')).toBe(3);
    expect(sample(text, 'courses_sync_mutations_total{outcome="duplicate"}')).toBe(1);
    expect(sample(text, 'courses_sync_mutations_total{outcome="stale"}')).toBe(1);
    expect(sample(text, 'courses_sync_mutations_total{outcome="ignored"}')).toBe(1);
    expect(sample(text, "courses_sync_batches_total")).toBe(1);
    expect(sample(text, 'courses_rust_queue_depth{queue="in-process"}')).toBe(4);
    // An unreadable source leaves its series out instead of failing the scrape.
    expect(text).not.toContain('queue="bullmq"');
    expect(sample(text, 'courses_rust_queue_wait_seconds_count{queue="in-process"}')).toBe(1);
    expect(sample(text, 'courses_rust_build_duration_seconds_sum{mode="run",status="ok"}')).toBe(
      1.2,
    );
    expect(
      sample(text, 'courses_cypher_query_duration_seconds_count{mode="check",outcome="error"}'),
    ).toBe(1);
    expect(sample(text, 'courses_cache_lookups_total{cache="catalog-progress",result="hit"}')).toBe(
      2,
    );

    depth = 0;
    const again = await metrics.registry.metrics();
    expect(sample(again, 'courses_rust_queue_depth{queue="in-process"}')).toBe(0);
  });

  it("asks a cached depth source at most once per second, and again at once after a failure", async () => {
    let clock = 0;
    let reads = 0;
    let fail = false;
    const read = cachedDepthSource(
      () => {
        reads += 1;
        return fail ? Promise.reject(new Error("redis down")) : Promise.resolve(reads);
      },
      1_000,
      () => clock,
    );
    expect(await read()).toBe(1);
    clock = 999;
    expect(await read()).toBe(1);
    clock = 1_000;
    expect(await read()).toBe(2);
    fail = true;
    clock = 2_000;
    await expect(read()).rejects.toThrow("redis down");
    fail = false;
    expect(await read()).toBe(4);
    expect(reads).toBe(4);
  });

  it("takes a depth source away only while it is still the registered one", async () => {
    const metrics = createAppMetrics({ defaults: false });
    const removeOld = setRustQueueDepthSource("bullmq", () => 1, metrics);
    const removeNew = setRustQueueDepthSource("bullmq", () => 2, metrics);
    removeOld();
    expect(
      sample(await metrics.registry.metrics(), 'courses_rust_queue_depth{queue="bullmq"}'),
    ).toBe(2);
    removeNew();
    expect(await metrics.registry.metrics()).not.toContain('queue="bullmq"');
  });

  it("includes the process metrics when asked for the defaults", async () => {
    const text = await createAppMetrics().registry.metrics();
    expect(text).toContain("courses_process_cpu_seconds_total");
    expect(text).toContain("courses_nodejs_eventloop_lag_seconds");
  });

  it("groups statuses into classes", () => {
    expect([200, 204, 301, 404, 429, 503, 0, 700].map(statusClass)).toEqual([
      "2xx",
      "2xx",
      "3xx",
      "4xx",
      "4xx",
      "5xx",
      "other",
      "other",
    ]);
  });
});

describe("route labels", () => {
  it("names paths from a fixed set, never the raw path", () => {
    expect(routeLabelForPath("/")).toBe("page:catalog");
    expect(routeLabelForPath("/learn/rust/01-basics/02-ownership")).toBe("page:lesson");
    expect(routeLabelForPath("/learn/rust/01-basics/02-ownership/")).toBe("page:lesson");
    expect(routeLabelForPath("/_next/static/chunks/abc123.js")).toBe("next:static");
    expect(routeLabelForPath("/api/auth/sign-in/email")).toBe("auth");
    expect(routeLabelForPath("/api/ready")).toBe("ready");
    expect(routeLabelForPath("/api/unknown/thing")).toBe("api:other");
    expect(routeLabelForPath("/instructor/learners/u_123")).toBe("page:instructor-learner");
    expect(routeLabelForPath("/tfjs/tfjs-backend-wasm-simd.wasm")).toBe("public-file");
    expect(routeLabelForPath("/no-such-page")).toBe("other");
  });
});

describe("latency through the request pipeline", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it("labels a request by the name a route set on its context, else by its path", async () => {
    const metrics = createAppMetrics({ defaults: false });
    server = createServer(
      createRequestPipeline({
        trusted: parseTrustedProxies(undefined),
        logger: createLogger({ level: "silent" }),
        metrics,
        handle: async (req, res) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          // What validatedRoute does for its routes.
          if (req.url?.startsWith("/api/progress/sync"))
            currentRequest()!.routeName = "progress/sync";
          res.statusCode = req.url === "/missing" ? 404 : 200;
          res.end("ok");
        },
      }),
    );
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const get = (path: string) =>
      new Promise<void>((resolve, reject) => {
        request({ host: "127.0.0.1", port, path }, (res) => {
          res.resume();
          res.on("end", resolve);
        })
          .on("error", reject)
          .end();
      });
    await get("/api/progress/sync?x=1");
    await get("/learn/a/b/c");
    await get("/learn/a/b/d");
    await get("/missing");
    await new Promise((resolve) => setTimeout(resolve, 20));

    const text = await metrics.registry.metrics();
    const count = (labels: string) =>
      sample(text, `courses_http_request_duration_seconds_count{${labels}}`);
    expect(count('route="progress/sync",method="GET",status_class="2xx"')).toBe(1);
    expect(count('route="page:lesson",method="GET",status_class="2xx"')).toBe(2);
    expect(count('route="other",method="GET",status_class="4xx"')).toBe(1);
    expect(
      sample(
        text,
        'courses_http_request_duration_seconds_sum{route="page:lesson",method="GET",status_class="2xx"}',
      ),
    ).toBeGreaterThanOrEqual(0.009);
  });
});
