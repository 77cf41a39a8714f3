// Cache-aside with versioned keys. A reader looks up the scope's version, then the value stored
// under that version; on a miss it loads from the database and stores the value under the
// version it read *before* loading. A writer invalidates by bumping the version after its commit.
// So a slow reader that loaded old data can only ever store it under a version nobody reads any
// more — the classic "delete, then a stale set lands" race cannot bring old data back. Values
// expire after their TTL anyway (minutes), which bounds staleness if an invalidation is lost.
// The store is never in the way: when it fails, the reader loads from the database.

export interface CacheStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Adds one to a counter (a missing one counts from 0) and keeps it for `ttlSeconds`. */
  incr(key: string, ttlSeconds: number): Promise<number>;
}

export type CacheOutcome = "hit" | "miss" | "error" | "off";

export type CacheAsideOptions = {
  /** null: caching is off, every read loads. */
  store: CacheStore | null;
  prefix: string;
  onLookup?: (cache: string, outcome: CacheOutcome) => void;
  onStoreError?: (operation: string, error: unknown) => void;
};

type CacheRead<T> = {
  /** Which cache (a metrics label and part of the key), e.g. "catalog-progress". */
  cache: string;
  /** What one invalidation covers, e.g. a user id, or "all". */
  scope: string;
  /** Which value inside the scope, e.g. a list of tracks. */
  key: string;
  ttlSeconds: number;
  load: () => Promise<T>;
};

export interface CacheAside {
  read<T>(request: CacheRead<T>): Promise<T>;
  invalidate(cache: string, scope: string): Promise<void>;
}

/** Version counters outlive every value by far: a lost counter would reuse version 0's keys. */
const VERSION_TTL_SECONDS = 7 * 24 * 3600;

export function createCacheAside({
  store,
  prefix,
  onLookup = () => undefined,
  onStoreError = () => undefined,
}: CacheAsideOptions): CacheAside {
  const versionKey = (cache: string, scope: string) => `${prefix}:${cache}:${scope}:version`;
  return {
    async read<T>({ cache, scope, key, ttlSeconds, load }: CacheRead<T>): Promise<T> {
      if (!store) {
        onLookup(cache, "off");
        return load();
      }
      let dataKey: string;
      try {
        const version = (await store.get(versionKey(cache, scope))) ?? "0";
        dataKey = `${prefix}:${cache}:${scope}:v${version}:${key}`;
        const cached = await store.get(dataKey);
        if (cached !== null) {
          onLookup(cache, "hit");
          return JSON.parse(cached) as T;
        }
      } catch (error) {
        onStoreError("read", error);
        onLookup(cache, "error");
        return load();
      }
      onLookup(cache, "miss");
      const value = await load();
      try {
        await store.set(dataKey, JSON.stringify(value), ttlSeconds);
      } catch (error) {
        onStoreError("write", error);
      }
      return value;
    },
    async invalidate(cache, scope) {
      if (!store) return;
      try {
        await store.incr(versionKey(cache, scope), VERSION_TTL_SECONDS);
      } catch (error) {
        // The value stays until its TTL: stale for minutes at most, which these caches accept.
        onStoreError("invalidate", error);
      }
    },
  };
}

/** A per-process store (no REDIS_URL: one instance, so its own memory is the whole truth). */
export function memoryCacheStore({
  maxEntries = 10_000,
  now = Date.now,
}: { maxEntries?: number; now?: () => number } = {}): CacheStore {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  const put = (key: string, value: string, ttlSeconds: number) => {
    entries.delete(key);
    entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    // Oldest insertion first out: a bounded memory, whatever the number of learners.
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
  };
  const get = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return null;
    }
    return entry.value;
  };
  return {
    get: (key) => Promise.resolve(get(key)),
    set: (key, value, ttlSeconds) => Promise.resolve(put(key, value, ttlSeconds)),
    incr(key, ttlSeconds) {
      const next = Number(get(key) ?? "0") + 1;
      put(key, String(next), ttlSeconds);
      return Promise.resolve(next);
    },
  };
}

/** The Redis commands the Redis store uses (ioredis's client has them). */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: "EX", seconds: number): Promise<unknown>;
  incr(key: string): Promise<number>;
  expire(key: string, seconds: number): Promise<unknown>;
}

/** Shared by every app instance: one learner's write invalidates the value all instances read. */
export function redisCacheStore(client: RedisLike): CacheStore {
  return {
    get: (key) => client.get(key),
    async set(key, value, ttlSeconds) {
      await client.set(key, value, "EX", ttlSeconds);
    },
    async incr(key, ttlSeconds) {
      const next = await client.incr(key);
      await client.expire(key, ttlSeconds);
      return next;
    },
  };
}
