/**
 * A per-client token bucket in memory: enough for one server instance. With several instances
 * (or once accounts exist) this moves to rate-limiter-flexible on Redis behind the same `take`.
 */

export interface TokenBucketOptions {
  /** Runs allowed in a burst. */
  capacity: number;
  /** Tokens regained per second. */
  refillPerSecond: number;
  /** Keys remembered at most; the least recently used are forgotten first. */
  maxKeys?: number;
  now?: () => number;
}

export type TakeResult = { ok: true; remaining: number } | { ok: false; retryAfterMs: number };

export interface TokenBucket {
  take(key: string): TakeResult;
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { capacity, refillPerSecond, maxKeys = 10_000, now = () => Date.now() } = options;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const time = now();
      const previous = buckets.get(key);
      const refilled = previous
        ? Math.min(capacity, previous.tokens + ((time - previous.at) / 1000) * refillPerSecond)
        : capacity;
      buckets.delete(key); // re-inserted below: Map order doubles as least-recently-used order
      if (refilled < 1) {
        buckets.set(key, { tokens: refilled, at: time });
        return { ok: false, retryAfterMs: Math.ceil(((1 - refilled) / refillPerSecond) * 1000) };
      }
      buckets.set(key, { tokens: refilled - 1, at: time });
      if (buckets.size > maxKeys) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      return { ok: true, remaining: Math.floor(refilled - 1) };
    },
  };
}
