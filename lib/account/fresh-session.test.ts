import { describe, expect, it } from "vitest";
import { FRESH_SESSION_MINUTES, isSessionFresh, signInAgainMessage } from "./fresh-session";

describe("isSessionFresh", () => {
  const now = Date.parse("2026-12-04T12:00:00Z");
  const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000);

  it("accepts a session that began within the window, up to its edge", () => {
    expect(isSessionFresh(minutesAgo(0), now)).toBe(true);
    expect(isSessionFresh(minutesAgo(FRESH_SESSION_MINUTES), now)).toBe(true);
  });

  it("refuses an older session, and one that claims to begin in the future", () => {
    expect(isSessionFresh(minutesAgo(FRESH_SESSION_MINUTES + 0.01), now)).toBe(false);
    expect(isSessionFresh(minutesAgo(-5), now)).toBe(false);
  });

  it("tells the person what to do", () => {
    expect(signInAgainMessage("delete your account")).toMatch(
      /^Sign in again to delete your account: .*15 minutes\.$/,
    );
  });
});
