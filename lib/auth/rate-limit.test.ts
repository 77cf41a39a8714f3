import { afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import {
  consumeFrom,
  consumeRateLimit,
  isRateLimitRejection,
  resetRateLimiters,
} from "./rate-limit";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

afterEach(() => {
  delete process.env.REDIS_URL;
  delete process.env.SYNC_RATE_LIMIT_PER_MINUTE;
  resetRateLimiters();
});

/** What another bundled copy of rate-limiter-flexible rejects with: same shape, different class. */
const foreignRejection = {
  remainingPoints: 0,
  msBeforeNext: 41_200,
  consumedPoints: 41,
  isFirstInDuration: false,
};

describe("rate limits", () => {
  it("limits per key in memory", async () => {
    process.env.SYNC_RATE_LIMIT_PER_MINUTE = "2";
    resetRateLimiters();
    const key = `user:${randomUUID()}`;
    expect(await consumeRateLimit("sync", key)).toEqual({ allowed: true });
    expect(await consumeRateLimit("sync", key)).toEqual({ allowed: true });
    const third = await consumeRateLimit("sync", key);
    expect(third).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect(third.allowed === false && third.retryAfterSeconds).toBeGreaterThan(0);
    expect((await consumeRateLimit("sync", `user:${randomUUID()}`)).allowed).toBe(true);
  });

  it("recognises a rejection from a different copy of the library by its shape (H1)", async () => {
    // The old `instanceof RateLimiterRes` check took this for a store failure and let the request through.
    const limiter = { consume: () => Promise.reject(foreignRejection) };
    expect(await consumeFrom(limiter, "k", "test")).toEqual({
      allowed: false,
      retryAfterSeconds: 42,
    });
    expect(isRateLimitRejection(foreignRejection)).toBe(true);
    expect(isRateLimitRejection(new Error("ECONNREFUSED"))).toBe(false);
    expect(
      isRateLimitRejection(Object.assign(new Error("x"), { msBeforeNext: 1, remainingPoints: 0 })),
    ).toBe(false);
    expect(isRateLimitRejection(null)).toBe(false);
  });

  it("refuses with 503 when the limiter itself fails, never lets the request through", async () => {
    const limiter = { consume: () => Promise.reject(new Error("store unreachable")) };
    expect(await consumeFrom(limiter, "k", "test")).toEqual({
      allowed: false,
      retryAfterSeconds: 5,
      unavailable: true,
    });
  });

  it("keeps limiting through the memory insurance when Redis is down", async () => {
    process.env.REDIS_URL = "redis://127.0.0.1:1"; // nothing listens there
    process.env.SYNC_RATE_LIMIT_PER_MINUTE = "2";
    resetRateLimiters();
    const key = `user:${randomUUID()}`;
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await consumeRateLimit("sync", key));
    expect(results.map((result) => result.allowed)).toEqual([true, true, false]);
    expect(results[2]).not.toHaveProperty("unavailable");
  });

  it("shares counters through Redis when REDIS_URL is set", async () => {
    process.env.REDIS_URL = REDIS_URL;
    process.env.SYNC_RATE_LIMIT_PER_MINUTE = "3";
    resetRateLimiters();
    const key = `user:${randomUUID()}`;
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await consumeRateLimit("sync", key)).allowed);
    expect(results).toEqual([true, true, true, false]);
    const redis = new Redis(REDIS_URL);
    try {
      expect(Number(await redis.get(`courses:rl:sync:${key}`))).toBe(4);
      await redis.del(`courses:rl:sync:${key}`);
    } finally {
      redis.disconnect();
    }
  });
});
