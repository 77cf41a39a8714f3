import { createHmac, timingSafeEqual } from "node:crypto";
import { dbQuery } from "@/lib/db/client";
import { getAuth, type Auth } from "./auth";
import type { Role, SessionUser } from "./session";

// The fresh session check of every state-changing request (progress sync above all): the signed
// session cookie verified with node:crypto, then ONE indexed query by token (session ⋈ user).
// better-auth's getSession with the cookie cache disabled did the same work through Web Crypto
// (async HMAC jobs), two Prisma queries and a re-signed cache cookie: ~7 ms of CPU per request
// here, more than the whole sync batch. Revocation stays immediate: the session row is read on
// every call, so sign-out (which deletes it) is refused at the next request.
// Whatever better-auth would change (an expired session to delete, a sliding renewal due, a
// "don't remember me" session) is left to better-auth itself: DELEGATE.

export const DELEGATE = Symbol("ask better-auth");

export function toRole(value: unknown): Role {
  return value === "instructor" || value === "admin" ? value : "learner";
}

type SessionKeys = {
  cookieName: string;
  dontRememberCookieName: string;
  secret: string;
  expiresInMs: number;
  updateAgeMs: number;
};
const keysByAuth = new WeakMap<Auth, Promise<SessionKeys>>();

/** Cookie names, secret and session ages exactly as the better-auth instance uses them. */
function sessionKeys(): Promise<SessionKeys> {
  const auth = getAuth();
  let keys = keysByAuth.get(auth);
  if (!keys) {
    keys = auth.$context.then((context) => ({
      cookieName: context.authCookies.sessionToken.name,
      dontRememberCookieName: context.authCookies.dontRememberToken.name,
      secret: context.secret,
      expiresInMs: context.sessionConfig.expiresIn * 1000,
      updateAgeMs: context.sessionConfig.updateAge * 1000,
    }));
    keysByAuth.set(auth, keys);
    keys.catch(() => keysByAuth.delete(auth));
  }
  return keys;
}

/**
 * The value of cookie `name` in a Cookie header, read as better-auth's cookie parser reads it:
 * the first occurrence wins, surrounding quotes are dropped, %-escapes decoded.
 */
export function cookieValue(header: string, name: string): string | null {
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    if (!value.includes("%")) return value;
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return null;
}

/**
 * `token.signature` → token when the signature is HMAC-SHA256(secret, token) in base64, as
 * better-call signs cookies; null for anything else. Constant-time comparison.
 */
export function verifySignedValue(value: string, secret: string): string | null {
  const dot = value.lastIndexOf(".");
  if (dot < 1) return null;
  const token = value.slice(0, dot);
  const signature = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(createHmac("sha256", secret).update(token).digest("base64"));
  return signature.length === expected.length && timingSafeEqual(signature, expected)
    ? token
    : null;
}

type SessionRow = { id: string; email: string; name: string; role: string; expiresAt: number };

// Who a session token belongs to never changes; whether the session is still live does. For
// routes that prove liveness in their own first query (validatedRoute's `liveness: "handler"`,
// progress sync), the owner found by a full check is remembered for a minute, so their next
// requests skip the session query: one database round trip fewer per sync.
const IDENTITY_TTL_MS = 60_000;
const IDENTITY_MAX = 10_000;
type Identity = { user: SessionUser; expiresAt: number; until: number };
const identities = new Map<string, Identity>();

function rememberIdentity(token: string, user: SessionUser, expiresAt: number, now: number) {
  if (identities.size >= IDENTITY_MAX) identities.clear();
  identities.set(token, { user, expiresAt, until: now + IDENTITY_TTL_MS });
}

/** Forget remembered session owners (sign-out, account changes, tests). */
export function forgetSessionIdentities(token?: string): void {
  if (token === undefined) identities.clear();
  else identities.delete(token);
}

/**
 * The session token of the request's signed session cookie (null without a valid signature),
 * or DELEGATE for a "don't remember me" session, which better-auth manages.
 */
export async function signedSessionToken(
  cookieHeader: string | null,
): Promise<string | null | typeof DELEGATE> {
  if (!cookieHeader) return null;
  const keys = await sessionKeys();
  const signed = cookieValue(cookieHeader, keys.cookieName);
  const token = signed === null ? null : verifySignedValue(signed, keys.secret);
  if (token === null) return null;
  return cookieValue(cookieHeader, keys.dontRememberCookieName) !== null ? DELEGATE : token;
}

/**
 * The owner of `token` as a full check in this process found it less than a minute ago, or
 * null (unknown, or its session is due for renewal or expired: a full check must run). The
 * session may have ended since: the caller must check that in its own query.
 */
export async function rememberedSessionOwner(
  token: string,
  now: number,
): Promise<SessionUser | null> {
  const identity = identities.get(token);
  if (!identity || identity.until <= now) return null;
  return betterAuthMustAct(identity.expiresAt, await sessionKeys(), now) ? null : identity.user;
}

/** An expired session (to delete) or one due for its sliding renewal: better-auth's to handle. */
function betterAuthMustAct(expiresAt: number, keys: SessionKeys, now: number): boolean {
  return expiresAt <= now || expiresAt - keys.expiresInMs + keys.updateAgeMs <= now;
}

/**
 * The user of a live session named by the request's cookie, null when there is none (no or
 * forged cookie, unknown or revoked session), or DELEGATE when better-auth must act.
 */
export async function checkSessionInDatabase(
  cookieHeader: string | null,
  now: number,
): Promise<SessionUser | null | typeof DELEGATE> {
  const token = await signedSessionToken(cookieHeader);
  if (token === null || token === DELEGATE) return token;
  const keys = await sessionKeys();
  // session.token is unique (indexed); TIMESTAMP(3) columns hold UTC, so EPOCH reads them as such.
  const [row] = await dbQuery<SessionRow>(
    `SELECT u."id", u."email", u."name", u."role"::text AS "role",
            (EXTRACT(EPOCH FROM s."expiresAt") * 1000)::float8 AS "expiresAt"
       FROM "session" s JOIN "user" u ON u."id" = s."userId"
      WHERE s."token" = $1`,
    [token],
    "session-by-token",
  );
  if (!row) {
    identities.delete(token);
    return null;
  }
  if (betterAuthMustAct(row.expiresAt, keys, now)) return DELEGATE;
  const user: SessionUser = {
    id: row.id,
    email: row.email,
    name: row.name,
    role: toRole(row.role),
  };
  rememberIdentity(token, user, row.expiresAt, now);
  return user;
}
