import { createHmac } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { getPrisma } from "@/lib/db/client";
import type { TestDatabase } from "@/lib/db/testing";
import { setUpRouteTests } from "@/lib/progress/testing/env";
import { ORIGIN, signUp } from "@/lib/progress/testing/http";
import { requestContextStorage, type RequestContext } from "@/lib/http/request-context";
import { getAuth, resetAuth } from "./auth";
import { getSessionFromHeaders } from "./session";
import { cookieValue, verifySignedValue } from "./session-check";

// The fresh session check (session-check.ts) must say exactly what better-auth's getSession
// with the cookie cache disabled says — same user, same refusals — in one indexed query, and
// hand better-auth the cases where it changes something (expired, renewal due).

describe("cookieValue", () => {
  it("reads a cookie as better-auth does: first occurrence, trimmed, unquoted, %-decoded", () => {
    expect(
      cookieValue("a=1; better-auth.session_token=tok.sig%3D; b=2", "better-auth.session_token"),
    ).toBe("tok.sig=");
    expect(cookieValue(' x = "quoted" ', "x")).toBe("quoted");
    expect(cookieValue("x=first; x=second", "x")).toBe("first");
    expect(cookieValue("xx=1; x=2", "x")).toBe("2");
    expect(cookieValue("y=1", "x")).toBeNull();
    expect(cookieValue("x=%E0%A4%A", "x")).toBe("%E0%A4%A");
  });
});

describe("verifySignedValue", () => {
  const secret = "s3cret";
  const sign = (token: string) =>
    `${token}.${createHmac("sha256", secret).update(token).digest("base64")}`;
  it("returns the token of a value signed with the secret, null otherwise", () => {
    expect(verifySignedValue(sign("abc"), secret)).toBe("abc");
    expect(verifySignedValue(sign("abc"), "other")).toBeNull();
    expect(verifySignedValue(sign("abc").replace("abc", "abd"), secret)).toBeNull();
    expect(verifySignedValue("abc", secret)).toBeNull();
    expect(verifySignedValue(".xyz", secret)).toBeNull();
    expect(verifySignedValue(`${sign("abc")}x`, secret)).toBeNull();
  });
});

let db: TestDatabase;
beforeAll(async () => {
  db = await setUpRouteTests();
});
afterAll(async () => {
  resetAuth();
  await db?.drop();
});

const fresh = (cookie: string) => getSessionFromHeaders(new Headers({ cookie }), { fresh: true });
const byLibrary = async (cookie: string) =>
  (
    await getAuth().api.getSession({
      headers: new Headers({ cookie }),
      query: { disableCookieCache: true },
    })
  )?.user ?? null;
const tokenOf = (cookie: string) =>
  decodeURIComponent(/better-auth\.session_token=([^;]+)/.exec(cookie)![1]!).split(".")[0]!;

async function queriesDuring(work: () => Promise<unknown>): Promise<number> {
  const original = pg.Client.prototype.query;
  let count = 0;
  const spy = vi.spyOn(pg.Client.prototype, "query").mockImplementation(function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    count += 1;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original);
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return count;
}

describe("a fresh session check", () => {
  it("finds the same user as better-auth, with the role as it is in the database now, in one query", async () => {
    const { cookie, email } = await signUp();
    await getPrisma().user.update({ where: { email }, data: { role: "instructor" } });
    const library = await byLibrary(cookie);
    let user: Awaited<ReturnType<typeof fresh>> = null;
    expect(await queriesDuring(async () => (user = await fresh(cookie)))).toBe(1);
    expect(user).toEqual({ id: library!.id, email, name: library!.name, role: "instructor" });
  });

  it("refuses a tampered or foreign cookie like better-auth, without asking the database", async () => {
    const { cookie } = await signUp();
    const tampered = cookie.replace(
      /(session_token=)([^.;]+)/,
      (_, name: string, token: string) =>
        `${name}${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}`,
    );
    expect(tampered).not.toBe(cookie);
    expect(await byLibrary(tampered)).toBeNull();
    expect(await queriesDuring(async () => expect(await fresh(tampered)).toBeNull())).toBe(0);
    expect(await fresh("other=1")).toBeNull();
  });

  it("refuses a cookie at once after sign-out", async () => {
    const { cookie } = await signUp();
    expect(await fresh(cookie)).not.toBeNull();
    const out = await authPost(
      new Request(`${ORIGIN}/api/auth/sign-out`, {
        method: "POST",
        headers: { cookie, origin: ORIGIN, "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(out.status).toBe(200);
    expect(await fresh(cookie)).toBeNull();
  });

  it("leaves an expired session to better-auth, which deletes it", async () => {
    const { cookie } = await signUp();
    const token = tokenOf(cookie);
    await getPrisma().session.update({
      where: { token },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await fresh(cookie)).toBeNull();
    expect(await getPrisma().session.findUnique({ where: { token } })).toBeNull();
  });

  it("leaves a session due for renewal to better-auth, which extends it", async () => {
    const { cookie } = await signUp();
    const token = tokenOf(cookie);
    // Older than updateAge (1 day of a 30-day session): better-auth renews it on a lookup.
    const soon = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    await getPrisma().session.update({ where: { token }, data: { expiresAt: soon } });
    expect(await fresh(cookie)).not.toBeNull();
    const renewed = await getPrisma().session.findUnique({ where: { token } });
    expect(renewed!.expiresAt.getTime()).toBeGreaterThan(soon.getTime() + 24 * 3600 * 1000);
  });

  it("keeps the renewed cookie for our server's direct routes to send", async () => {
    const { cookie } = await signUp();
    const token = tokenOf(cookie);
    const soon = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    await getPrisma().session.update({ where: { token }, data: { expiresAt: soon } });
    const context: RequestContext = { requestId: "test-request", clientAddress: "127.0.0.1" };
    await requestContextStorage().run(context, () => fresh(cookie));
    const renewedCookie = context.authCookies?.find((line) =>
      line.startsWith("better-auth.session_token="),
    );
    expect(renewedCookie).toMatch(/Max-Age=\d+/);
    // A lookup with nothing to renew sets no cookie.
    const quiet: RequestContext = { requestId: "test-request-2", clientAddress: "127.0.0.1" };
    await requestContextStorage().run(quiet, () => fresh(cookie));
    expect(quiet.authCookies).toBeUndefined();
  });
});
