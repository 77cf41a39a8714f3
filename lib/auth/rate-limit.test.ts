import { afterEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { clientAddress, consumeRateLimit, resetRateLimiters } from "./rate-limit";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

afterEach(() => {
  delete process.env.REDIS_URL;
  delete process.env.SYNC_RATE_LIMIT_PER_MINUTE;
  resetRateLimiters();
});

describe("rate limits", () => {
  it("limits per key in memory", async () => {
    process.env.SYNC_RATE_LIMIT_PER_MINUTE = "2";
    resetRateLimiters();
    const key = `user:${randomUUID()}`;
    expect(await consumeRateLimit("sync", key)).toEqual({ allowed: true });
    expect(await consumeRateLimit("sync", key)).toEqual({ allowed: true });
    const third = await consumeRateLimit("sync", key);
    expect(third.allowed).toBe(false);
    expect(third.allowed === false && third.retryAfterSeconds).toBeGreaterThan(0);
    expect((await consumeRateLimit("sync", `user:${randomUUID()}`)).allowed).toBe(true);
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

  it("takes the first forwarded address", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" }))).toBe("203.0.113.7");
    expect(clientAddress(new Headers())).toBe("direct");
  });
});
