import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { resetRateLimiters } from "./rate-limit";
import {
  checkCredentialAttempt,
  normaliseEmail,
  recordSignInFailure,
  recordSignInSuccess,
} from "./sign-in-limits";

const ENV = [
  "AUTH_RATE_LIMIT_PER_MINUTE",
  "AUTH_BACKOFF_MAX_SECONDS",
  "AUTH_ACCOUNT_FAILURES_PER_HOUR",
  "REDIS_URL",
] as const;

function configure(values: Partial<Record<(typeof ENV)[number], string>>) {
  for (const name of ENV) delete process.env[name];
  Object.assign(process.env, values);
  resetRateLimiters();
}

beforeEach(() => configure({ AUTH_RATE_LIMIT_PER_MINUTE: "1000" }));
afterEach(() => configure({}));

const signIn = (email: string, address: string) =>
  checkCredentialAttempt({ signIn: true, email, address });
const waitOf = (result: Awaited<ReturnType<typeof signIn>>) =>
  result.allowed ? 0 : result.retryAfterSeconds;
const someone = () => `learner-${randomUUID()}@example.test`;

describe("sign-in limits", () => {
  it("backs off exponentially per (e-mail, address) after wrong passwords, up to the cap", async () => {
    configure({ AUTH_RATE_LIMIT_PER_MINUTE: "1000", AUTH_BACKOFF_MAX_SECONDS: "10" });
    const email = someone();
    const waits: number[] = [];
    const backoffs: number[] = [];
    for (let i = 0; i < 6; i++) {
      backoffs.push(await recordSignInFailure(email, "203.0.113.1"));
      waits.push(waitOf(await signIn(email, "203.0.113.1")));
    }
    expect(backoffs).toEqual([1, 2, 4, 8, 10, 10]);
    expect(waits).toEqual([1, 2, 4, 8, 10, 10]);
  });

  it("refuses even the right password while the pair backs off, and allows it once the back-off has passed", async () => {
    const email = someone();
    await recordSignInFailure(email, "203.0.113.1");
    expect(await signIn(email, "203.0.113.1")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await signIn(email, "203.0.113.1")).toEqual({ allowed: true });
  });

  it("does not lock the account out from another address", async () => {
    const email = someone();
    for (let i = 0; i < 5; i++) await recordSignInFailure(email, "198.51.100.66");
    expect((await signIn(email, "198.51.100.66")).allowed).toBe(false);
    expect(await signIn(email, "203.0.113.1")).toEqual({ allowed: true });
  });

  it("a successful sign-in clears the pair's back-off", async () => {
    const email = someone();
    for (let i = 0; i < 3; i++) await recordSignInFailure(email, "203.0.113.1");
    await recordSignInSuccess(email, "203.0.113.1");
    expect(await signIn(email, "203.0.113.1")).toEqual({ allowed: true });
    // The count starts afresh too: the next failure waits 1 s, not 8 s.
    expect(await recordSignInFailure(email, "203.0.113.1")).toBe(1);
  });

  it("once an account's failure budget is spent, each failure backs off fully, but a clean address still gets in", async () => {
    configure({
      AUTH_RATE_LIMIT_PER_MINUTE: "1000",
      AUTH_ACCOUNT_FAILURES_PER_HOUR: "3",
      AUTH_BACKOFF_MAX_SECONDS: "900",
    });
    const email = someone();
    // A distributed attack: one guess from each of many addresses.
    const backoffs = [];
    for (let i = 1; i <= 5; i++) backoffs.push(await recordSignInFailure(email, `192.0.2.${i}`));
    expect(backoffs).toEqual([1, 1, 1, 900, 900]);
    expect(waitOf(await signIn(email, "192.0.2.5"))).toBe(900);
    expect(await signIn(email, "203.0.113.1")).toEqual({ allowed: true });
  });

  it("limits one address across all accounts, sign-ups included", async () => {
    configure({ AUTH_RATE_LIMIT_PER_MINUTE: "3" });
    const address = `198.51.100.${Math.floor(Math.random() * 200)}`;
    expect((await signIn(someone(), address)).allowed).toBe(true);
    expect(
      (await checkCredentialAttempt({ signIn: false, email: someone(), address })).allowed,
    ).toBe(true);
    expect((await signIn(someone(), address)).allowed).toBe(true);
    const fourth = await signIn(someone(), address);
    expect(fourth).toEqual({ allowed: false, retryAfterSeconds: expect.any(Number) });
    expect((await signIn(someone(), "203.0.113.250")).allowed).toBe(true);
  });

  it("caps attempts per pair even when they all arrive before any failure is recorded", async () => {
    const email = someone();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => signIn(email, "203.0.113.9")),
    );
    expect(results.filter((result) => result.allowed)).toHaveLength(5);
    expect(
      results
        .filter((result) => !result.allowed)
        .every((result) => !result.allowed && !result.unavailable),
    ).toBe(true);
  });

  it("normalises e-mail addresses so case does not buy a fresh budget", async () => {
    expect(normaliseEmail("  Ada@Example.TEST ")).toBe("ada@example.test");
    expect(normaliseEmail(42)).toBeNull();
    const email = someone();
    await recordSignInFailure(normaliseEmail(email.toUpperCase())!, "203.0.113.1");
    expect((await signIn(email, "203.0.113.1")).allowed).toBe(false);
  });

  it("shares the back-off between instances through Redis", async () => {
    configure({
      AUTH_RATE_LIMIT_PER_MINUTE: "1000",
      REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    });
    const email = someone();
    await recordSignInFailure(email, "203.0.113.1");
    await recordSignInFailure(email, "203.0.113.1");
    resetRateLimiters(); // as another process would: no memory of its own
    expect(waitOf(await signIn(email, "203.0.113.1"))).toBe(2);
  });
});
