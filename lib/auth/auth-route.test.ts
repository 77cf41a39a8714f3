import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { TestDatabase } from "@/lib/db/testing";
import { getPrisma } from "@/lib/db/client";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { SIGN_IN_TO_RUN } from "@/lib/cells/rust/rust-run";
import { POST as rustRunPost } from "@/app/api/rust/run/route";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { setUpRouteTests } from "@/lib/progress/testing/env";
import { ORIGIN, signUp } from "@/lib/progress/testing/http";
import { resetAuth } from "./auth";
import { MAX_AUTH_BODY_BYTES } from "./auth-body";
import { resetRateLimiters } from "./rate-limit";
import { getSessionFromHeaders } from "./session";

// The auth route through better-auth and Postgres: bodies, field caps, sign-in back-off, sign-out.

let db: TestDatabase;
beforeAll(async () => {
  db = await setUpRouteTests();
});
afterAll(async () => {
  resetAuth();
  await db?.drop();
});
beforeEach(() => resetRateLimiters());

const PASSWORD = "correct horse battery";

function post(
  path: string,
  body: string | object,
  headers: Record<string, string> = {},
): Promise<Response> {
  return authPost(
    new Request(`${ORIGIN}/api/auth/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

const signInFrom = (address: string, email: string, password: string) =>
  post("sign-in/email", { email, password }, { [CLIENT_ADDRESS_HEADER]: address });
const userCount = (email: string) => getPrisma().user.count({ where: { email } });

describe("auth request bodies", () => {
  it("answers 413 to a body over 16 KB, before better-auth sees it, and creates no user", async () => {
    const email = `big-${randomUUID()}@example.test`;
    const response = await post("sign-up/email", {
      email,
      password: PASSWORD,
      name: "x".repeat(MAX_AUTH_BODY_BYTES),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatch(/too large/);
    expect(await userCount(email)).toBe(0);
  });

  it("answers 413 by counting bytes, whatever Content-Length claims", async () => {
    const big = JSON.stringify({ email: "a@example.test", password: "x".repeat(20_000) });
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const request = new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "content-length": "10" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await authPost(request)).status).toBe(413);
  });

  it.each([
    ["name", { name: "n".repeat(101) }],
    ["email", { email: `${"e".repeat(250)}@example.test` }],
    ["password", { password: "p".repeat(129) }],
  ])("refuses an over-long %s with 400 naming the field", async (field, override) => {
    const email = `cap-${randomUUID()}@example.test`;
    const response = await post("sign-up/email", {
      email,
      password: PASSWORD,
      name: "Ada",
      ...override,
    });
    expect(response.status).toBe(400);
    const body = await response.json();
    expect(body.field).toBe(field);
    expect(body.error).toMatch(new RegExp(`^${field} must be at most \\d+ characters`));
    expect(await userCount(email)).toBe(0);
  });

  it("accepts fields at exactly the caps", async () => {
    const email = `${"e".repeat(254 - "@example.test".length - 8)}${randomUUID().slice(0, 8)}@example.test`;
    expect(email).toHaveLength(254);
    const response = await post("sign-up/email", {
      email,
      password: "p".repeat(128),
      name: "n".repeat(100),
    });
    expect(response.status).toBe(200);
  });

  it("caps the name in update-user too (the database hook)", async () => {
    const { cookie } = await signUp();
    // Through the route: refused by the body check.
    expect((await post("update-user", { name: "n".repeat(101) }, { cookie })).status).toBe(400);
    // Straight into better-auth, as any other endpoint would: refused by the hook.
    const { getAuth } = await import("./auth");
    const direct = await getAuth().handler(
      new Request(`${ORIGIN}/api/auth/update-user`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, cookie },
        body: JSON.stringify({ name: "n".repeat(5_000) }),
      }),
    );
    expect(direct.status).toBe(400);
    expect((await direct.json()).message).toMatch(/name must be at most 100 characters/);
    expect(
      (await getSessionFromHeaders(new Headers({ cookie }), { fresh: true }))?.name,
    ).not.toHaveLength(5_000);
  });

  it("refuses bodies that are not JSON objects with a clear 4xx", async () => {
    expect((await post("sign-in/email", "{not json")).status).toBe(400);
    expect((await post("sign-in/email", "[1,2]")).status).toBe(400);
    expect(
      (
        await post("sign-in/email", "email=a", {
          "content-type": "application/x-www-form-urlencoded",
        })
      ).status,
    ).toBe(415);
  });
});

describe("sign-in limits through the route", () => {
  it("backs off after a wrong password, refuses the right one meanwhile, but not from another address", async () => {
    const { email } = await signUp();
    const attacker = `198.51.100.${Math.floor(Math.random() * 250)}`;
    expect((await signInFrom(attacker, email, "wrong password 1")).status).toBe(401);
    const blocked = await signInFrom(attacker, email, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await blocked.json()).error).toMatch(/Too many attempts/);
    expect((await signInFrom("203.0.113.77", email, PASSWORD)).status).toBe(200);
  });

  it("a successful sign-in resets the pair's back-off", async () => {
    const { email } = await signUp();
    const address = "203.0.113.78";
    expect((await signInFrom(address, email, "wrong password 1")).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await signInFrom(address, email, PASSWORD)).status).toBe(200);
    // Without the reset this failure would be the second and wait 2 s.
    expect((await signInFrom(address, email, "wrong password 2")).status).toBe(401);
    expect((await signInFrom(address, email, PASSWORD)).headers.get("retry-after")).toBe("1");
  });
});

describe("sign-out", () => {
  async function signedOut(): Promise<string> {
    const { cookie } = await signUp();
    expect(
      (await getSessionFromHeaders(new Headers({ cookie }), { fresh: true }))?.email,
    ).toBeTruthy();
    expect((await post("sign-out", {}, { cookie })).status).toBe(200);
    return cookie;
  }

  it("a cookie captured before sign-out is refused at once by a fresh lookup", async () => {
    const cookie = await signedOut();
    expect(await getSessionFromHeaders(new Headers({ cookie }), { fresh: true })).toBeNull();
  });

  it("a cookie captured before sign-out cannot change the account (better-auth's own endpoints)", async () => {
    const cookie = await signedOut();
    expect((await post("update-user", { name: "Mallory" }, { cookie })).status).toBe(401);
  });

  it("a cookie captured before sign-out cannot run Rust", async () => {
    const cookie = await signedOut();
    const response = await rustRunPost(
      new Request(`${ORIGIN}/api/rust/run`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, cookie },
        body: JSON.stringify({
          lessonKey: "rust/basics/hello",
          cellId: "main",
          files: [],
          mode: "run",
        }),
      }),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: SIGN_IN_TO_RUN });
  });
});
