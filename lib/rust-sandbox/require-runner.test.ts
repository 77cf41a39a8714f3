import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consumeRateLimit, resetRateLimiters } from "@/lib/auth/rate-limit";
import type { SessionUser } from "@/lib/auth/session";
import { requireRunner, SIGN_IN_TO_RUN } from "./require-runner";

const learner = (id: string): SessionUser => ({ id, email: `${id}@example.test`, name: id, role: "learner" });
/** The session lookup, by a header standing in for the session cookie. */
const user = async (headers: Headers) => {
  const id = headers.get("x-user");
  return id ? learner(id) : null;
};
const as = (id?: string) => new Headers(id ? { "x-user": id } : {});

describe("requireRunner", () => {
  beforeEach(() => {
    process.env.RUST_RATE_LIMIT_PER_MINUTE = "2";
    resetRateLimiters();
  });
  afterEach(() => {
    delete process.env.RUST_RATE_LIMIT_PER_MINUTE;
    resetRateLimiters();
  });

  it("refuses anonymous learners with a message that says to sign in", async () => {
    expect(await requireRunner(as(), { user, consume: consumeRateLimit })).toEqual({ ok: false, message: SIGN_IN_TO_RUN });
  });

  it("rate-limits each learner on their own", async () => {
    const deps = { user, consume: consumeRateLimit };
    expect(await requireRunner(as("ada"), deps)).toEqual({ ok: true, userId: "ada" });
    expect((await requireRunner(as("ada"), deps)).ok).toBe(true);
    const refused = await requireRunner(as("ada"), deps);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/^Too many runs in a short time; try again in \d+ s\.$/);
    expect(await requireRunner(as("grace"), deps)).toEqual({ ok: true, userId: "grace" });
  });

  it("says so when the session cannot be checked (no crash, no run)", async () => {
    const failing = async () => {
      throw new Error("connect ECONNREFUSED");
    };
    const gate = await requireRunner(as("ada"), { user: failing, consume: consumeRateLimit });
    expect(gate.ok).toBe(false);
    if (!gate.ok) expect(gate.message).toContain("could not be checked");
  });
});
