import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { TestDatabase } from "@/lib/db/testing";
import { getPrisma } from "@/lib/db/client";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { resetTokenIn, startTestMailServer, type TestMailServer } from "@/lib/mail/testing";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as requestPost } from "@/app/api/account/password-reset/route";
import { POST as confirmPost } from "@/app/api/account/password-reset/confirm/route";
import { setUpRouteTests } from "@/lib/progress/testing/env";
import { ORIGIN, signUp } from "@/lib/progress/testing/http";
import { resetAuth } from "./auth";
import { RESET_REQUESTED_MESSAGE, RESET_TOKEN_MESSAGES } from "./password-reset";
import { resetRateLimiters } from "./rate-limit";
import { getSessionFromHeaders } from "./session";

// Forgot password end to end through the routes, better-auth, Postgres and a real SMTP server.

const OLD_PASSWORD = "correct horse battery";
const NEW_PASSWORD = "a brand new password";

let db: TestDatabase;
let mail: TestMailServer;
beforeAll(async () => {
  db = await setUpRouteTests();
  mail = await startTestMailServer();
  process.env.SMTP_URL = `smtp://127.0.0.1:${mail.port}`;
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  resetAuth();
  await mail?.close();
  await db?.drop();
});
beforeEach(() => resetRateLimiters());

function postJson(
  handler: (request: Request) => Promise<Response>,
  path: string,
  body: object,
  address = "192.0.2.10",
): Promise<Response> {
  return handler(
    new Request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        [CLIENT_ADDRESS_HEADER]: address,
      },
      body: JSON.stringify(body),
    }),
  );
}
const requestReset = (email: string, address?: string) =>
  postJson(requestPost, "/api/account/password-reset", { email }, address);
const confirmReset = (token: string, newPassword = NEW_PASSWORD) =>
  postJson(confirmPost, "/api/account/password-reset/confirm", { token, newPassword });
const signIn = (email: string, password: string) =>
  postJson(
    authPost,
    "/api/auth/sign-in/email",
    { email, password },
    `198.51.100.${Math.floor(Math.random() * 250)}`,
  );

async function tokenFromMail(email: string): Promise<string> {
  return resetTokenIn((await mail.nextMessageTo(email)).text);
}

describe("asking for a reset link", () => {
  it("mails a link to an account's address, and answers an unknown address exactly alike", async () => {
    const { email } = await signUp();
    const unknown = `nobody-${randomUUID()}@example.test`;
    const before = mail.messages.length;

    const startedKnown = Date.now();
    const known = await requestReset(email);
    const knownMs = Date.now() - startedKnown;
    const startedUnknown = Date.now();
    const missing = await requestReset(unknown);
    const unknownMs = Date.now() - startedUnknown;

    expect(known.status).toBe(200);
    expect(missing.status).toBe(200);
    const knownBody = await known.json();
    expect(knownBody).toEqual({ message: RESET_REQUESTED_MESSAGE });
    expect(await missing.json()).toEqual(knownBody);
    // Both wait for the same floor (the mail goes out in the background); the bound on the
    // difference is loose because CI machines are busy, the floor is what hides the lookups.
    expect(knownMs).toBeGreaterThanOrEqual(390);
    expect(unknownMs).toBeGreaterThanOrEqual(390);
    expect(Math.abs(knownMs - unknownMs)).toBeLessThan(1_000);

    const message = await mail.nextMessageTo(email);
    expect(message.raw).toMatch(/^Subject: Reset your Courses password/m);
    expect(message.text).toContain("http://localhost:3000/reset-password?token=");
    expect(mail.messages.slice(before).some((m) => m.to.includes(unknown))).toBe(false);
  });

  it("limits requests per e-mail address across client addresses (429 with Retry-After)", async () => {
    const email = `limited-${randomUUID()}@example.test`;
    for (let i = 0; i < 5; i++)
      expect((await requestReset(email, `203.0.113.${i}`)).status).toBe(200);
    const refused = await requestReset(email, "203.0.113.99");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await refused.json()).error).toMatch(/Too many reset requests for this e-mail address/);
  }, 20_000);

  it("refuses the library's own reset endpoints (they would skip these limits)", async () => {
    const response = await postJson(authPost, "/api/auth/request-password-reset", {
      email: "a@example.test",
    });
    expect(response.status).toBe(404);
  });
});

describe("using a reset link", () => {
  it("sets the new password once: the old one stops working, every session ends", async () => {
    const { email, cookie } = await signUp();
    await requestReset(email);
    const token = await tokenFromMail(email);

    const done = await confirmReset(token);
    expect(done.status).toBe(200);
    expect((await signIn(email, OLD_PASSWORD)).status).toBe(401);
    expect((await signIn(email, NEW_PASSWORD)).status).toBe(200);
    expect(await getSessionFromHeaders(new Headers({ cookie }), { fresh: true })).toBeNull();

    const again = await confirmReset(token, "yet another password");
    expect(again.status).toBe(400);
    expect((await again.json()).error).toBe(RESET_TOKEN_MESSAGES.used);
    expect((await signIn(email, "yet another password")).status).toBe(401);
  });

  it("refuses a link older than an hour with its own message", async () => {
    const { email } = await signUp();
    await requestReset(email);
    const token = await tokenFromMail(email);
    await getPrisma().verification.updateMany({
      where: { identifier: `reset-password:${token}` },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    const response = await confirmReset(token);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe(RESET_TOKEN_MESSAGES.expired);
    expect((await signIn(email, OLD_PASSWORD)).status).toBe(200);
  });

  it("refuses an unknown token and a too-short password clearly", async () => {
    const unknown = await confirmReset("notARealTokenAtAll1234");
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toBe(RESET_TOKEN_MESSAGES.unknown);
    const short = await confirmReset("whatever-token", "short");
    expect(short.status).toBe(422);
    expect((await short.json()).fieldErrors.newPassword).toEqual(["At least 8 characters."]);
  });

  it("the token expires one hour after it was issued", async () => {
    const { email } = await signUp();
    await requestReset(email);
    const token = await tokenFromMail(email);
    const row = await getPrisma().verification.findFirstOrThrow({
      where: { identifier: `reset-password:${token}` },
      select: { expiresAt: true, createdAt: true },
    });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeGreaterThan(3_590_000);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(3_600_000);
  });
});

describe("without SMTP_URL", () => {
  it("shows the link to the page in development only, never in production", async () => {
    const { email } = await signUp();
    const smtp = process.env.SMTP_URL;
    const nodeEnv = process.env.NODE_ENV;
    delete process.env.SMTP_URL;
    try {
      const dev = await (await requestReset(email)).json();
      expect(dev.devResetUrl).toMatch(/^http:\/\/localhost:3000\/reset-password\?token=/);
      (process.env as Record<string, string>).NODE_ENV = "production";
      const production = await (await requestReset(email)).json();
      expect(production).toEqual({ message: RESET_REQUESTED_MESSAGE });
    } finally {
      process.env.SMTP_URL = smtp;
      (process.env as Record<string, string | undefined>).NODE_ENV = nodeEnv;
    }
  });
});
