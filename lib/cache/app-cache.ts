import "server-only";
import { z } from "zod";
import { readAuthEnv } from "@/lib/auth/env";
import { logger } from "@/lib/http/log";
import { onShutdown } from "@/lib/http/shutdown";
import { recordCacheLookup } from "@/lib/metrics/metrics";
import {
  createCacheAside,
  memoryCacheStore,
  redisCacheStore,
  type CacheAside,
  type CacheStore,
} from "./cache-aside";

// The app's caches. With REDIS_URL every instance shares one cache in Redis (an invalidation on
// one instance reaches all); without it the embedded single instance keeps a bounded cache in its
// own memory. CACHE=off turns caching off (the benchmark's "without" figures).

const cacheEnvSchema = z.object({
  CACHE: z.enum(["auto", "redis", "memory", "off"]).default("auto"),
  CACHE_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, "CACHE_KEY_PREFIX: letters, digits, : _ - only")
    .default("courses:cache"),
  CATALOG_PROGRESS_CACHE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  ANALYTICS_CACHE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(120),
});

type CacheEnv = {
  store: "redis" | "memory" | "off";
  prefix: string;
  catalogProgressSeconds: number;
  analyticsSeconds: number;
};

export function readCacheEnv(
  env: Record<string, string | undefined> = process.env,
  redisUrl: string | undefined = readAuthEnv(env).redisUrl,
): CacheEnv {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value === "" ? undefined : value]),
  );
  const parsed = cacheEnvSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new Error(`Invalid cache configuration: ${detail}`);
  }
  const mode = parsed.data.CACHE;
  if (mode === "redis" && !redisUrl) throw new Error("CACHE=redis needs REDIS_URL.");
  return {
    store: mode === "auto" ? (redisUrl ? "redis" : "memory") : mode,
    prefix: parsed.data.CACHE_KEY_PREFIX,
    catalogProgressSeconds: parsed.data.CATALOG_PROGRESS_CACHE_SECONDS,
    analyticsSeconds: parsed.data.ANALYTICS_CACHE_SECONDS,
  };
}

type AppCache = { cache: CacheAside; env: CacheEnv };

const APP_CACHE = Symbol.for("courses.cache.app");
type GlobalWithCache = typeof globalThis & { [APP_CACHE]?: Promise<AppCache> };

async function redisStore(url: string): Promise<CacheStore> {
  // Imported lazily: processes without REDIS_URL never load ioredis.
  const { Redis } = await import("ioredis");
  const client = new Redis(url, {
    // A cache must never make a request wait: while Redis is away, commands fail at once and
    // readers go to the database.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 1_000,
  });
  client.on("error", (error: Error) => logger.warn({ err: error }, "cache: redis error"));
  onShutdown("cache-redis", () => client.disconnect(), 40);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redisCacheStore(client);
}

async function createAppCache(): Promise<AppCache> {
  const env = readCacheEnv();
  const redisUrl = readAuthEnv().redisUrl;
  const store =
    env.store === "off"
      ? null
      : env.store === "redis" && redisUrl
        ? await redisStore(redisUrl)
        : memoryCacheStore();
  const cache = createCacheAside({
    store,
    prefix: env.prefix,
    onLookup: (name, outcome) => recordCacheLookup(name, outcome),
    onStoreError: (operation, error) =>
      logger.warn({ err: error, operation }, "cache: store failed"),
  });
  return { cache, env };
}

function appCache(): Promise<AppCache> {
  const holder = globalThis as GlobalWithCache;
  holder[APP_CACHE] ??= createAppCache().catch((error: unknown) => {
    holder[APP_CACHE] = undefined;
    throw error;
  });
  return holder[APP_CACHE];
}

/** A learner's catalogue progress summary: cached per learner until their next lesson write. */
export async function readThroughCatalogProgress<T>(
  userId: string,
  load: () => Promise<T>,
): Promise<T> {
  const { cache, env } = await appCache();
  return cache.read({
    cache: "catalog-progress",
    scope: userId,
    key: "summary",
    ttlSeconds: env.catalogProgressSeconds,
    load,
  });
}

export async function invalidateCatalogProgress(userId: string): Promise<void> {
  const { cache } = await appCache();
  await cache.invalidate("catalog-progress", userId);
}

/** Instructor analytics for a set of tracks: cached for minutes, dropped when attempts arrive. */
export async function readThroughAnalytics<T>(key: string, load: () => Promise<T>): Promise<T> {
  const { cache, env } = await appCache();
  return cache.read({
    cache: "analytics",
    scope: "all",
    key,
    ttlSeconds: env.analyticsSeconds,
    load,
  });
}

export async function invalidateAnalytics(): Promise<void> {
  const { cache } = await appCache();
  await cache.invalidate("analytics", "all");
}
