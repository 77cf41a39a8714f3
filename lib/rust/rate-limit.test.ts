import { describe, expect, it } from "vitest";
import { createTokenBucket } from "./rate-limit";

describe("token bucket", () => {
  it("allows a burst, then refills over time, per key", () => {
    let time = 0;
    const bucket = createTokenBucket({ capacity: 3, refillPerSecond: 0.5, now: () => time });
    expect([1, 2, 3].map(() => bucket.take("a").ok)).toEqual([true, true, true]);
    const refused = bucket.take("a");
    expect(refused).toEqual({ ok: false, retryAfterMs: 2000 });
    expect(bucket.take("b").ok).toBe(true);
    time += 1000;
    expect(bucket.take("a").ok).toBe(false);
    time += 1000;
    expect(bucket.take("a")).toEqual({ ok: true, remaining: 0 });
    time += 60_000;
    expect(bucket.take("a")).toEqual({ ok: true, remaining: 2 });
  });

  it("forgets the least recently used keys beyond maxKeys", () => {
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 0.001, maxKeys: 2, now: () => 0 });
    bucket.take("a");
    bucket.take("b");
    bucket.take("c"); // forgets a
    expect(bucket.take("a").ok).toBe(true);
    expect(bucket.take("c").ok).toBe(false);
  });
});
