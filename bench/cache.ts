/**
 * `npm run bench:cache -- --json`: what the cache-aside (lib/cache) saves on the two reads it
 * serves, through the app's own read functions against the local Postgres (a throwaway schema,
 * synthetic learners) and Redis:
 *  - a learner's catalogue progress summary (`findCatalogProgress`, read on every catalogue
 *    view): `--reads` views by the `--active` learners of the class (default 300 of 2000) in turn, `--concurrency` at a time; after every
 *    `--views-per-write` views of a learner, a lesson event invalidates that learner's summary
 *    (as sync does on each lesson visit, completion or reset);
 *  - instructor analytics for every track (`loadTracksAnalytics`): `--analytics-reads` loads,
 *    an attempt (a version bump) after every `--analytics-reads-per-write`.
 * Each runs with no cache, the per-process memory store and Redis, taking turns for `--rounds`
 * rounds; one JSON line per read and mode with p50/p99 latency, reads per second, the hit rate.
 * Options: --learners N (default 2000) --active N (300) --reads N (4000) --concurrency N (16) --views-per-write N
 * (3) --analytics-reads N (30) --rounds N (3) --analytics-reads-per-write N (10) --json
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import {
  createCacheAside,
  memoryCacheStore,
  redisCacheStore,
  type CacheOutcome,
  type CacheStore,
} from "@/lib/cache/cache-aside";
import { getCatalog } from "@/lib/content/catalog";
import { seedSyntheticLearners } from "@/lib/db/analytics-repository-seed";
import { closeDb } from "@/lib/db/client";
import { parseConnectionTarget } from "@/lib/db/env";
import { applyMigrations } from "@/lib/db/migrate";
import { findCatalogProgress } from "@/lib/db/progress-reads";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    learners: { type: "string", default: "2000" },
    active: { type: "string", default: "300" },
    reads: { type: "string", default: "4000" },
    concurrency: { type: "string", default: "16" },
    "views-per-write": { type: "string", default: "3" },
    "analytics-reads": { type: "string", default: "30" },
    rounds: { type: "string", default: "3" },
    "analytics-reads-per-write": { type: "string", default: "10" },
  },
});
const number = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench:cache: --${name} must be a whole number ≥ 1`);
    process.exit(2);
  }
  return value;
};
const LEARNERS = number("learners");
const ACTIVE = Math.min(number("active"), LEARNERS);
const READS = number("reads");
const CONCURRENCY = number("concurrency");
const VIEWS_PER_WRITE = number("views-per-write");
const ANALYTICS_READS = number("analytics-reads");
const ROUNDS = number("rounds");
const ANALYTICS_PER_WRITE = number("analytics-reads-per-write");
const log = (message: string) =>
  (values.json ? process.stderr : process.stdout).write(`${message}\n`);

// The bench times the loaders itself; the app's own cache (used inside loadTracksAnalytics)
// stays out of the way.
process.env.CACHE = "off";

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Mode = "none" | "memory" | "redis";

async function timed(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const t0 = performance.now();
        await work(index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

function summary(
  read: string,
  mode: Mode,
  run: { latencies: number[]; seconds: number },
  outcomes: CacheOutcome[],
  extra: Record<string, unknown>,
) {
  const hits = outcomes.filter((o) => o === "hit").length;
  return {
    benchmark: "cache",
    read,
    cache: mode,
    reads: run.latencies.length,
    perSec: Math.round(run.latencies.length / run.seconds),
    p50ms: round2(percentile(run.latencies, 50)),
    p99ms: round2(percentile(run.latencies, 99)),
    meanMs: round2(run.latencies.reduce((a, b) => a + b, 0) / run.latencies.length),
    hitRate: mode === "none" ? 0 : round2(hits / outcomes.length),
    storeErrors: outcomes.filter((o) => o === "error").length,
    load: round1(os.loadavg()[0]!),
    ...extra,
  };
}

async function main() {
  const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const { connectionString } = parseConnectionTarget(base);
  const schema = `bench_cache_${Date.now().toString(36)}`;
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const runId = randomBytes(4).toString("hex");
  const prefix = `courses-bench-cache:${runId}`;
  try {
    await applyMigrations(connectionString, { schema });
    const url = new URL(connectionString);
    url.searchParams.set("schema", schema);
    process.env.DATABASE_URL = url.toString();
    const catalog = getCatalog();
    const lessonKeys = catalog.tracks.flatMap((t) =>
      t.chapters.flatMap((c) => c.lessons.map((l) => l.key)),
    );
    log(`bench:cache: seeding ${LEARNERS} learners over ${lessonKeys.length} lessons…`);
    const seeded = await seedSyntheticLearners({
      learners: LEARNERS,
      lessonKeys,
      exercisesPerLesson: 3,
      domain: "bench-cache.test",
    });
    log(`bench:cache: seeded ${JSON.stringify(seeded)}`);
    const { loadTracksAnalytics } = await import("@/lib/instructor/load-analytics");

    const stores: [Mode, () => CacheStore | null][] = [
      ["none", () => null],
      ["memory", () => memoryCacheStore()],
      ["redis", () => redisCacheStore(redis)],
    ];
    // Warm-up: the Prisma client, the query plans, the connection pool.
    await findCatalogProgress("syn-1");
    await loadTracksAnalytics(catalog, catalog.tracks.slice(0, 1));
    // The modes take turns, round after round, so a change in the machine's load (it is
    // shared) falls on all of them alike.
    const runs = stores.map(([mode, makeStore]) => {
      const outcomes: CacheOutcome[] = [];
      const analyticsOutcomes: CacheOutcome[] = [];
      const store = makeStore();
      return {
        mode,
        outcomes,
        analyticsOutcomes,
        cache: createCacheAside({
          store,
          prefix: `${prefix}:${mode}`,
          onLookup: (_cache, outcome) => outcomes.push(outcome),
        }),
        analyticsCache: createCacheAside({
          store,
          prefix: `${prefix}:${mode}:a`,
          onLookup: (_cache, outcome) => analyticsOutcomes.push(outcome),
        }),
        views: new Map<string, number>(),
        writes: 0,
        reads: 0,
        analyticsReads: 0,
        catalog: { latencies: [] as number[], seconds: 0 },
        analytics: { latencies: [] as number[], seconds: 0 },
      };
    });
    const analyticsKey = catalog.tracks.map((t) => t.slug).join(",");
    for (let round = 0; round < ROUNDS; round++) {
      for (const run of runs) {
        const count = Math.ceil(READS / ROUNDS);
        const part = await timed(count, CONCURRENCY, async () => {
          const index = run.reads++;
          const userId = `syn-${1 + ((index * 7919) % ACTIVE)}`;
          await run.cache.read({
            cache: "catalog-progress",
            scope: userId,
            key: "summary",
            ttlSeconds: 300,
            load: () => findCatalogProgress(userId),
          });
          const seen = (run.views.get(userId) ?? 0) + 1;
          run.views.set(userId, seen);
          if (seen % VIEWS_PER_WRITE === 0) {
            run.writes += 1;
            await run.cache.invalidate("catalog-progress", userId);
          }
        });
        run.catalog.latencies.push(...part.latencies);
        run.catalog.seconds += part.seconds;

        const analyticsPart = await timed(Math.ceil(ANALYTICS_READS / ROUNDS), 1, async () => {
          const index = run.analyticsReads++;
          await run.analyticsCache.read({
            cache: "analytics",
            scope: "all",
            key: analyticsKey,
            ttlSeconds: 120,
            load: () => loadTracksAnalytics(catalog, catalog.tracks),
          });
          if ((index + 1) % ANALYTICS_PER_WRITE === 0)
            await run.analyticsCache.invalidate("analytics", "all");
        });
        run.analytics.latencies.push(...analyticsPart.latencies);
        run.analytics.seconds += analyticsPart.seconds;
        log(`bench:cache: round ${round + 1}/${ROUNDS} ${run.mode} done`);
      }
    }
    for (const run of runs) {
      run.catalog.latencies.sort((a, b) => a - b);
      run.analytics.latencies.sort((a, b) => a - b);
      console.log(
        JSON.stringify(
          summary("catalog-progress", run.mode, run.catalog, run.outcomes, {
            learners: LEARNERS,
            activeLearners: ACTIVE,
            concurrency: CONCURRENCY,
            viewsPerWrite: VIEWS_PER_WRITE,
            invalidations: run.writes,
          }),
        ),
      );
      console.log(
        JSON.stringify(
          summary("analytics", run.mode, run.analytics, run.analyticsOutcomes, {
            learners: LEARNERS,
            tracks: catalog.tracks.length,
            readsPerWrite: ANALYTICS_PER_WRITE,
          }),
        ),
      );
    }
  } finally {
    const keys = await redis.keys(`${prefix}:*`).catch(() => []);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await closeDb();
    const client = new pg.Client({ connectionString });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
