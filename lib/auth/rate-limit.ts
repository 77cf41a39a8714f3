import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { readAuthEnv } from "./env";

// Rate limits for sign-in/sign-up (per client address), progress sync (per user), Rust runs (per
// user) and Cypher runs (per client address: they need no account). With
// REDIS_URL the counters live in Redis and are shared by every server instance; a Redis outage
// falls back to per-process memory counters rather than refusing learners.

export type RateLimitBucket = "auth" | "sync" | "rust" | "cypher";
const BUCKETS: RateLimitBucket[] = ["auth", "sync", "rust", "cypher"];
export type RateLimitResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

type Limiters = Record<RateLimitBucket, RateLimiterAbstract> & { close?: () => void };
const LIMITERS = Symbol.for("courses.auth.rateLimiters");
type GlobalWithLimiters = typeof globalThis & { [LIMITERS]?: Promise<Limiters> };

async function createLimiters(): Promise<Limiters> {
  const env = readAuthEnv();
  const points: Record<RateLimitBucket, number> = {
    auth: env.authRateLimitPerMinute,
    sync: env.syncRateLimitPerMinute,
    rust: env.rustRateLimitPerMinute,
    cypher: env.cypherRateLimitPerMinute,
  };
  const each = (make: (bucket: RateLimitBucket) => RateLimiterAbstract) =>
    Object.fromEntries(BUCKETS.map((bucket) => [bucket, make(bucket)])) as Record<RateLimitBucket, RateLimiterAbstract>;
  const memory = (bucket: RateLimitBucket) => new RateLimiterMemory({ keyPrefix: `rl:${bucket}`, points: points[bucket], duration: 60 });
  if (!env.redisUrl) return each(memory);
  // Imported lazily: processes without REDIS_URL never load ioredis.
  const { Redis } = await import("ioredis");
  const client = new Redis(env.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
  client.on("error", (error: Error) => console.error(`[rate-limit] redis: ${error.message}`));
  // Without an offline queue, commands sent before the connection is up fail over to the
  // in-memory insurance limiter; wait (briefly) for it so counters are shared from the start.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const redis = (bucket: RateLimitBucket) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `courses:rl:${bucket}`,
      points: points[bucket],
      duration: 60,
      insuranceLimiter: memory(bucket),
    });
  return { ...each(redis), close: () => client.disconnect() };
}

function limiters(): Promise<Limiters> {
  const store = globalThis as GlobalWithLimiters;
  store[LIMITERS] ??= createLimiters();
  return store[LIMITERS];
}

/** Forgets the limiters (tests that change the limits through the environment). */
export function resetRateLimiters(): void {
  const store = globalThis as GlobalWithLimiters;
  void store[LIMITERS]?.then((limiters) => limiters.close?.());
  delete store[LIMITERS];
}

export async function consumeRateLimit(bucket: RateLimitBucket, key: string): Promise<RateLimitResult> {
  try {
    await (await limiters())[bucket].consume(key);
    return { allowed: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    // The store failed and there is no insurance: let the request through rather than lock out.
    console.error(`[rate-limit] ${bucket}: ${rejection instanceof Error ? rejection.message : String(rejection)}`);
    return { allowed: true };
  }
}

/**
 * The client's address as the proxy in front reports it. Without a proxy every request shares
 * one key, which makes the auth limit global — strict, never permissive.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "direct";
}
