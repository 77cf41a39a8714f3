import { describe, expect, it } from "vitest";
import { createTokenBucket } from "./rate-limit";
import { clientKeyFrom, requireRunner } from "./require-runner";

describe("requireRunner", () => {
  it("keys clients by the first forwarded address", () => {
    expect(clientKeyFrom(new Headers({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" }))).toBe("203.0.113.7");
    expect(clientKeyFrom(new Headers({ "x-real-ip": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientKeyFrom(new Headers())).toBe("local");
  });

  it("refuses with a readable message once the bucket is empty", () => {
    const limiter = createTokenBucket({ capacity: 1, refillPerSecond: 0.1, now: () => 0 });
    const headers = new Headers({ "x-forwarded-for": "203.0.113.7" });
    expect(requireRunner(headers, limiter)).toEqual({ ok: true, clientKey: "203.0.113.7" });
    const refused = requireRunner(headers, limiter);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toBe("Too many runs in a short time; try again in 10 s.");
    expect(requireRunner(new Headers({ "x-forwarded-for": "198.51.100.9" }), limiter).ok).toBe(true);
  });
});
