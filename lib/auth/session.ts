import "server-only";
import { headers } from "next/headers";
import { logger } from "@/lib/http/log";
import { currentRequest } from "@/lib/http/request-context";
import { getAuth } from "./auth";
import {
  checkSessionInDatabase,
  DELEGATE,
  forgetSessionIdentities,
  rememberedSessionOwner,
  signedSessionToken,
  toRole,
} from "./session-check";

// Session helpers for server components, server actions and route handlers. They return the
// app's own SessionUser, never the library's types.

export type Role = "learner" | "instructor" | "admin";
export type SessionUser = { id: string; email: string; name: string; role: Role };

// Verifying the signed session cookies costs Web Crypto work on every request; the sync route
// is called often by the same browsers. Verified results are kept for a few seconds, keyed by
// the exact Cookie header. Together with better-auth's cookie cache (auth.ts) a cookie captured
// before sign-out keeps working for reads for up to that cache's age; `fresh` closes the gap.
const VERIFIED_TTL_MS = 5_000;
const VERIFIED_MAX = 10_000;
const verified = new Map<string, { user: SessionUser; until: number }>();

export type SessionLookup = {
  /**
   * Ask the database, bypassing both caches, so a session signed out or revoked a moment ago is
   * refused at once (one indexed query, session-check.ts). Use it for every request that
   * changes state (progress sync, Rust runs, account changes); reads may use the caches.
   */
  fresh?: boolean;
};

/** The signed-in user for these request headers, or null. */
export async function getSessionFromHeaders(
  requestHeaders: Headers,
  { fresh = false }: SessionLookup = {},
): Promise<SessionUser | null> {
  const cookie = requestHeaders.get("cookie");
  const now = Date.now();
  const hit = cookie && !fresh ? verified.get(cookie) : undefined;
  if (hit && hit.until > now) return hit.user;
  if (fresh) {
    const checked = await checkSessionInDatabase(cookie, now);
    if (checked !== DELEGATE) {
      if (cookie && checked) remember(cookie, checked, now);
      else if (cookie) verified.delete(cookie);
      return checked;
    }
  }
  const { headers: authHeaders, response: session } = await getAuth().api.getSession({
    headers: requestHeaders,
    query: fresh ? { disableCookieCache: true } : {},
    returnHeaders: true,
  });
  const renewedCookies = authHeaders.getSetCookie();
  const context = currentRequest();
  if (context && renewedCookies.length > 0)
    context.authCookies = [...(context.authCookies ?? []), ...renewedCookies];
  if (!session) {
    // A fresh miss also tells later cached reads with this cookie that the session is gone.
    if (cookie) verified.delete(cookie);
    return null;
  }
  const raw = session.user as { id: string; email: string; name: string; role?: unknown };
  const user: SessionUser = {
    id: raw.id,
    email: raw.email,
    name: raw.name,
    role: toRole(raw.role),
  };
  if (cookie) remember(cookie, user, now);
  return user;
}

/**
 * The owner of the request's session as a full check in this process found it within the last
 * minute, with the session's token — without asking the database whether the session is still
 * live: the caller must (validatedRoute's `liveness: "handler"`). Null when a full check is due.
 */
export async function rememberedSessionFromHeaders(
  requestHeaders: Headers,
): Promise<{ user: SessionUser; token: string } | null> {
  const token = await signedSessionToken(requestHeaders.get("cookie"));
  if (token === null || token === DELEGATE) return null;
  const user = await rememberedSessionOwner(token, Date.now());
  return user ? { user, token } : null;
}

function remember(cookie: string, user: SessionUser, now: number): void {
  if (verified.size >= VERIFIED_MAX) verified.clear();
  verified.set(cookie, { user, until: now + VERIFIED_TTL_MS });
}

/** Forget verified sessions (sign-out in the same process, tests). */
export function forgetVerifiedSessions(): void {
  verified.clear();
  forgetSessionIdentities();
}

/**
 * The signed-in user of the current request (server components and actions), or null. If the
 * session cannot be checked (database unreachable) the page renders as for a visitor instead
 * of failing: lessons must keep serving during an outage.
 */
export async function getSession(): Promise<SessionUser | null> {
  const requestHeaders = await headers();
  try {
    return await getSessionFromHeaders(requestHeaders);
  } catch (error) {
    logger.error({ err: error }, "auth: session check failed; rendering as a visitor");
    return null;
  }
}
