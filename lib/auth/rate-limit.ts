import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { logger } from "@/lib/http/log";
import { readAuthEnv } from "./env";

// Rate limits for credential requests (per client address), progress sync (per user), Rust runs
// (per user) and Cypher runs (per client address: they need no account); the sign-in back-off
// (sign-in-limits.ts) builds its limiters here too. With REDIS_URL the counters live in Redis and
// are shared by every server instance; during a Redis outage each limiter falls back to its
// per-process memory "insurance" limiter, so limits keep holding (per process). Only if even that
// fails is the request refused with 503 — a broken limiter never lets everything through.

export type RateLimitBucket = "auth" | "sync" | "rust" | "cypher";
/**
 * Refused: answer 429 with Retry-After — or, when `unavailable` (the limiter itself failed),
 * 503 with Retry-After. Either way the request does not go through.
 */
export type RateLimitResult =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; unavailable?: true };

export type LimiterOptions = { points: number; duration: number };

type Store = {
  limiters: Map<string, RateLimiterAbstract>;
  make: (name: string, options: LimiterOptions) => RateLimiterAbstract;
  close?: () => void;
};
const STORE = Symbol.for("courses.auth.rateLimitStore");
type GlobalWithStore = typeof globalThis & { [STORE]?: Promise<Store> };

/** Seconds a client is told to wait when the limiter itself is broken (503). */
const UNAVAILABLE_RETRY_SECONDS = 5;

async function createStore(): Promise<Store> {
  const env = readAuthEnv();
  const memory = (name: string, { points, duration }: LimiterOptions) =>
    new RateLimiterMemory({ keyPrefix: `rl:${name}`, points, duration });
  if (!env.redisUrl) return { limiters: new Map(), make: memory };
  // Imported lazily: processes without REDIS_URL never load ioredis.
  const { Redis } = await import("ioredis");
  const client = new Redis(env.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: false,
  });
  client.on("error", (error: Error) => logger.error({ err: error }, "rate-limit: redis error"));
  // Without an offline queue, commands sent before the connection is up fail over to the
  // in-memory insurance limiter; wait (briefly) for it so counters are shared from the start.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2_000);
    client.once("ready", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const redis = (name: string, options: LimiterOptions) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `courses:rl:${name}`,
      ...options,
      insuranceLimiter: memory(name, options),
    });
  return { limiters: new Map(), make: redis, close: () => client.disconnect() };
}

function store(): Promise<Store> {
  const holder = globalThis as GlobalWithStore;
  holder[STORE] ??= createStore();
  return holder[STORE];
}

/** The process's limiter `name` (created on first use with `options`; later options are ignored until reset). */
export async function namedLimiter(
  name: string,
  options: LimiterOptions,
): Promise<RateLimiterAbstract> {
  const { limiters, make } = await store();
  let limiter = limiters.get(name);
  if (!limiter) {
    limiter = make(name, options);
    limiters.set(name, limiter);
  }
  return limiter;
}

/** Forgets the limiters (tests that change the limits through the environment). */
export function resetRateLimiters(): void {
  const holder = globalThis as GlobalWithStore;
  void holder[STORE]?.then((created) => created.close?.());
  delete holder[STORE];
}

/**
 * A limiter's rejection, recognised by shape: a production build can hold two copies of
 * rate-limiter-flexible (one per server bundle), so `instanceof RateLimiterRes` is false for a
 * rejection made by the other copy — which used to be mistaken for a store failure and let through.
 */
export function isRateLimitRejection(
  value: unknown,
): value is { msBeforeNext: number; remainingPoints: number } {
  if (typeof value !== "object" || value === null || value instanceof Error) return false;
  const candidate = value as { msBeforeNext?: unknown; remainingPoints?: unknown };
  return (
    typeof candidate.msBeforeNext === "number" && typeof candidate.remainingPoints === "number"
  );
}

export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

export const LIMITER_UNAVAILABLE: RateLimitResult = {
  allowed: false,
  retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS,
  unavailable: true,
};

/** Takes one point from `limiter` for `key`: allowed, limited (429), or refused because the limiter failed (503). */
export async function consumeFrom(
  limiter: Pick<RateLimiterAbstract, "consume">,
  key: string,
  label: string,
): Promise<RateLimitResult> {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (rejection) {
    if (isRateLimitRejection(rejection))
      return { allowed: false, retryAfterSeconds: retryAfterSeconds(rejection.msBeforeNext) };
    logger.error(
      { err: rejection, limiter: label },
      "rate-limit: limiter failed; refusing the request",
    );
    return LIMITER_UNAVAILABLE;
  }
}

function bucketOptions(bucket: RateLimitBucket): LimiterOptions {
  const env = readAuthEnv();
  const points: Record<RateLimitBucket, number> = {
    auth: env.authRateLimitPerMinute,
    sync: env.syncRateLimitPerMinute,
    rust: env.rustRateLimitPerMinute,
    cypher: env.cypherRateLimitPerMinute,
  };
  return { points: points[bucket], duration: 60 };
}

export async function consumeRateLimit(
  bucket: RateLimitBucket,
  key: string,
): Promise<RateLimitResult> {
  let limiter: RateLimiterAbstract;
  try {
    limiter = await namedLimiter(bucket, bucketOptions(bucket));
  } catch (error) {
    logger.error(
      { err: error, limiter: bucket },
      "rate-limit: could not create the limiter; refusing the request",
    );
    return LIMITER_UNAVAILABLE;
  }
  return consumeFrom(limiter, key, bucket);
}
