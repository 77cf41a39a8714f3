import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  createCacheAside,
  memoryCacheStore,
  redisCacheStore,
  type CacheOutcome,
  type CacheStore,
} from "./cache-aside";
import { readCacheEnv } from "./app-cache";

function counted(store: CacheStore | null, prefix = "t") {
  const outcomes: CacheOutcome[] = [];
  const errors: string[] = [];
  const cache = createCacheAside({
    store,
    prefix,
    onLookup: (_cache, outcome) => outcomes.push(outcome),
    onStoreError: (operation) => errors.push(operation),
  });
  return { cache, outcomes, errors };
}

/** A database stand-in: each load returns the current value and counts the loads. */
function source<T>(initial: T) {
  const state = { value: initial, loads: 0 };
  return {
    state,
    load: () => {
      state.loads += 1;
      return Promise.resolve(structuredClone(state.value));
    },
  };
}

function behavesAsCacheAside(makeStore: () => CacheStore, prefix: string) {
  it("serves repeats from the store and reloads after an invalidation of that scope only", async () => {
    const { cache, outcomes } = counted(makeStore(), prefix);
    const alice = source({ lessons: ["a/1"] });
    const bob = source({ lessons: ["b/1"] });
    const read = (scope: string, db: ReturnType<typeof source<{ lessons: string[] }>>) =>
      cache.read({ cache: "progress", scope, key: "summary", ttlSeconds: 60, load: db.load });

    expect(await read("alice", alice)).toEqual({ lessons: ["a/1"] });
    expect(await read("alice", alice)).toEqual({ lessons: ["a/1"] });
    expect(await read("bob", bob)).toEqual({ lessons: ["b/1"] });
    expect(alice.state.loads).toBe(1);

    alice.state.value = { lessons: ["a/1", "a/2"] };
    await cache.invalidate("progress", "alice");
    expect(await read("alice", alice)).toEqual({ lessons: ["a/1", "a/2"] });
    expect(await read("bob", bob)).toEqual({ lessons: ["b/1"] });
    expect(alice.state.loads).toBe(2);
    expect(bob.state.loads).toBe(1);
    expect(outcomes).toEqual(["miss", "hit", "miss", "miss", "hit"]);
  });

  it("never lets a reader that loaded before a write store old data over the new", async () => {
    const { cache } = counted(makeStore(), prefix);
    const db = { value: "old" };
    let release!: () => void;
    const slowLoad = () =>
      new Promise<string>((resolve) => {
        const seen = db.value;
        release = () => resolve(seen);
      });
    const read = (load: () => Promise<string>) =>
      cache.read({ cache: "race", scope: "u", key: "k", ttlSeconds: 60, load });

    const slowReader = read(slowLoad);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The writer commits and invalidates while the reader still holds the old value.
    db.value = "new";
    await cache.invalidate("race", "u");
    release();
    expect(await slowReader).toBe("old");
    expect(await read(() => Promise.resolve(db.value))).toBe("new");
    expect(await read(() => Promise.resolve("unused"))).toBe("new");
  });
}

describe("cache-aside in memory", () => {
  behavesAsCacheAside(() => memoryCacheStore(), "mem");

  it("expires values after their TTL and keeps at most maxEntries", async () => {
    let now = 1_000_000;
    const store = memoryCacheStore({ maxEntries: 3, now: () => now });
    await store.set("a", "1", 10);
    expect(await store.get("a")).toBe("1");
    now += 10_001;
    expect(await store.get("a")).toBeNull();
    for (const key of ["b", "c", "d", "e"]) await store.set(key, key, 60);
    expect(await store.get("b")).toBeNull();
    expect(await store.get("e")).toBe("e");
    expect(await store.incr("n", 60)).toBe(1);
    expect(await store.incr("n", 60)).toBe(2);
  });
});

describe("cache-aside when the store fails or is off", () => {
  const broken: CacheStore = {
    get: () => Promise.reject(new Error("ECONNREFUSED")),
    set: () => Promise.reject(new Error("ECONNREFUSED")),
    incr: () => Promise.reject(new Error("ECONNREFUSED")),
  };

  it("loads from the database every time and reports the error", async () => {
    const { cache, outcomes, errors } = counted(broken);
    const db = source(42);
    const read = () =>
      cache.read({ cache: "c", scope: "s", key: "k", ttlSeconds: 5, load: db.load });
    expect(await read()).toBe(42);
    expect(await read()).toBe(42);
    await expect(cache.invalidate("c", "s")).resolves.toBeUndefined();
    expect(db.state.loads).toBe(2);
    expect(outcomes).toEqual(["error", "error"]);
    expect(errors).toEqual(["read", "read", "invalidate"]);
  });

  it("with no store, every read loads", async () => {
    const { cache, outcomes } = counted(null);
    const db = source("x");
    await cache.read({ cache: "c", scope: "s", key: "k", ttlSeconds: 5, load: db.load });
    await cache.read({ cache: "c", scope: "s", key: "k", ttlSeconds: 5, load: db.load });
    expect(db.state.loads).toBe(2);
    expect(outcomes).toEqual(["off", "off"]);
  });
});

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
const redisUp = await redis.connect().then(
  () => true,
  () => false,
);
const prefix = `courses-test-h19b:${process.pid}:${Date.now()}`;

afterAll(async () => {
  if (!redisUp) return;
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe.runIf(redisUp)("cache-aside in Redis", () => {
  behavesAsCacheAside(() => redisCacheStore(redis), prefix);

  it("shares values and invalidations between two app instances (two clients)", async () => {
    const other = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const one = counted(redisCacheStore(redis), `${prefix}:shared`);
      const two = counted(redisCacheStore(other), `${prefix}:shared`);
      const db = source("v1");
      const read = (cache: typeof one.cache) =>
        cache.read({ cache: "p", scope: "u1", key: "k", ttlSeconds: 30, load: db.load });
      expect(await read(one.cache)).toBe("v1");
      expect(await read(two.cache)).toBe("v1");
      expect(two.outcomes).toEqual(["hit"]);
      db.state.value = "v2";
      await two.cache.invalidate("p", "u1");
      expect(await read(one.cache)).toBe("v2");
      const ttl = await redis.ttl(`${prefix}:shared:p:u1:v1:k`);
      expect(ttl).toBeGreaterThan(25);
      expect(ttl).toBeLessThanOrEqual(30);
    } finally {
      other.disconnect();
    }
  });
});

describe("cache configuration", () => {
  it("uses Redis when REDIS_URL is set, memory otherwise, and can be turned off", () => {
    expect(readCacheEnv({}, undefined).store).toBe("memory");
    expect(readCacheEnv({}, "redis://r:6379").store).toBe("redis");
    expect(readCacheEnv({ CACHE: "off" }, "redis://r:6379").store).toBe("off");
    expect(readCacheEnv({}, undefined)).toMatchObject({
      prefix: "courses:cache",
      catalogProgressSeconds: 300,
      analyticsSeconds: 120,
    });
    expect(() => readCacheEnv({ CACHE: "redis" }, undefined)).toThrow(/needs REDIS_URL/);
    expect(() => readCacheEnv({ CACHE: "sometimes" }, undefined)).toThrow(/Invalid cache/);
    expect(() => readCacheEnv({ ANALYTICS_CACHE_SECONDS: "0" }, undefined)).toThrow(
      /ANALYTICS_CACHE_SECONDS/,
    );
  });
});
