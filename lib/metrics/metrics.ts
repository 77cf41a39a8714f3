import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

// The process's Prometheus metrics and the small API the rest of the app records through. One
// registry per process, kept on globalThis: our HTTP server (loaded by tsx) and Next's route
// bundles are separate module graphs, and both must write to the one registry /api/metrics reads.
// Labels are always bounded sets (route names, status classes, modes) — never raw URLs or ids.

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BUILD_BUCKETS = [0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];
const WAIT_BUCKETS = [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Where the current Rust queue depth comes from (the in-process queue, or BullMQ's counts). */
export type QueueDepthSource = () => number | Promise<number>;

export type AppMetrics = {
  registry: Registry;
  httpRequestDuration: Histogram<"route" | "method" | "status_class">;
  syncMutations: Counter<"outcome">;
  syncBatches: Counter;
  rustQueueDepth: Gauge<"queue">;
  rustQueueWait: Histogram<"queue">;
  rustBuildDuration: Histogram<"mode" | "status">;
  cypherQueryDuration: Histogram<"mode" | "outcome">;
  cacheLookups: Counter<"cache" | "result">;
  queueDepthSources: Map<string, QueueDepthSource>;
};

/** A fresh registry with every metric of the app (tests make their own; the app uses appMetrics()). */
export function createAppMetrics({ defaults = true } = {}): AppMetrics {
  const registry = new Registry();
  if (defaults) collectDefaultMetrics({ register: registry, prefix: "courses_" });
  const registers = [registry];
  const queueDepthSources = new Map<string, QueueDepthSource>();
  return {
    registry,
    queueDepthSources,
    httpRequestDuration: new Histogram({
      name: "courses_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response, by route name.",
      labelNames: ["route", "method", "status_class"],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    syncMutations: new Counter({
      name: "courses_sync_mutations_total",
      help: "Progress-sync mutations by outcome (applied = written to the database).",
      labelNames: ["outcome"],
      registers,
    }),
    syncBatches: new Counter({
      name: "courses_sync_batches_total",
      help: "Progress-sync batches committed.",
      registers,
    }),
    rustQueueDepth: new Gauge({
      name: "courses_rust_queue_depth",
      help: "Rust builds waiting for a build slot or worker.",
      labelNames: ["queue"],
      registers,
      async collect() {
        this.reset();
        for (const [queue, read] of queueDepthSources) {
          try {
            this.set({ queue }, await read());
          } catch {
            // An unreadable queue (Redis down) shows as a missing series, not a scrape failure.
          }
        }
      },
    }),
    rustQueueWait: new Histogram({
      name: "courses_rust_queue_wait_seconds",
      help: "Time a Rust build waited in the queue before it started.",
      labelNames: ["queue"],
      buckets: WAIT_BUCKETS,
      registers,
    }),
    rustBuildDuration: new Histogram({
      name: "courses_rust_build_duration_seconds",
      help: "Time to build and run a learner's Rust project, by mode and result status.",
      labelNames: ["mode", "status"],
      buckets: BUILD_BUCKETS,
      registers,
    }),
    cypherQueryDuration: new Histogram({
      name: "courses_cypher_query_duration_seconds",
      help: "Time to run a Cypher cell (dataset, cells above, the query, rollback) on the server.",
      labelNames: ["mode", "outcome"],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    cacheLookups: new Counter({
      name: "courses_cache_lookups_total",
      help: "Cache-aside lookups by cache and result (hit, miss, error = store unreachable, off).",
      labelNames: ["cache", "result"],
      registers,
    }),
  };
}

const METRICS = Symbol.for("courses.metrics");
type GlobalWithMetrics = typeof globalThis & { [METRICS]?: AppMetrics };

/** The process's one set of metrics. */
export function appMetrics(): AppMetrics {
  return ((globalThis as GlobalWithMetrics)[METRICS] ??= createAppMetrics());
}

/** `2xx`, `4xx`, …: status classes keep the series few. */
export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

export function observeHttpRequest(
  route: string,
  method: string | undefined,
  status: number,
  seconds: number,
  metrics: AppMetrics = appMetrics(),
): void {
  const knownMethod = method && /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$/.test(method);
  metrics.httpRequestDuration.observe(
    { route, method: knownMethod ? method : "other", status_class: statusClass(status) },
    seconds,
  );
}

export type SyncOutcomeCounts = {
  applied: number;
  duplicates: number;
  stale: number;
  ignored: number;
};

export function recordSyncBatch(
  counts: SyncOutcomeCounts,
  metrics: AppMetrics = appMetrics(),
): void {
  metrics.syncBatches.inc();
  // `stale` includes the ignored ones (the outbox lets go of both); count each mutation once.
  const staleOnly = Math.max(0, counts.stale - counts.ignored);
  for (const [outcome, count] of [
    ["applied", counts.applied],
    ["duplicate", counts.duplicates],
    ["stale", staleOnly],
    ["ignored", counts.ignored],
  ] as const) {
    if (count > 0) metrics.syncMutations.inc({ outcome }, count);
  }
}

/**
 * The queue reports its depth on every scrape (replaces an earlier source of the same name).
 * Returns what takes it away again (a no-op once another source replaced it).
 */
export function setRustQueueDepthSource(
  queue: string,
  read: QueueDepthSource,
  metrics: AppMetrics = appMetrics(),
): () => void {
  metrics.queueDepthSources.set(queue, read);
  return () => {
    if (metrics.queueDepthSources.get(queue) === read) metrics.queueDepthSources.delete(queue);
  };
}

/**
 * A depth source that asks `read` at most once per `maxAgeMs` (a Redis round trip per scrape of
 * every instance adds up); a failed read is forgotten at once so the next scrape asks again.
 */
export function cachedDepthSource(
  read: () => Promise<number>,
  maxAgeMs = 1_000,
  now: () => number = Date.now,
): QueueDepthSource {
  let last: { at: number; depth: Promise<number> } | null = null;
  return () => {
    const at = now();
    if (last && at - last.at < maxAgeMs) return last.depth;
    const depth = read();
    const entry = { at, depth };
    last = entry;
    depth.catch(() => {
      if (last === entry) last = null;
    });
    return depth;
  };
}

export function observeRustQueueWait(
  queue: string,
  seconds: number,
  metrics: AppMetrics = appMetrics(),
): void {
  metrics.rustQueueWait.observe({ queue }, seconds);
}

export function observeRustBuild(
  mode: string,
  status: string,
  seconds: number,
  metrics: AppMetrics = appMetrics(),
): void {
  metrics.rustBuildDuration.observe({ mode, status }, seconds);
}

export function observeCypherQuery(
  mode: string,
  ok: boolean,
  seconds: number,
  metrics: AppMetrics = appMetrics(),
): void {
  metrics.cypherQueryDuration.observe({ mode, outcome: ok ? "ok" : "error" }, seconds);
}

export type CacheLookupResult = "hit" | "miss" | "error" | "off";

export function recordCacheLookup(
  cache: string,
  result: CacheLookupResult,
  metrics: AppMetrics = appMetrics(),
): void {
  metrics.cacheLookups.inc({ cache, result });
}
