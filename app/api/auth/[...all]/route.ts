import { getAuth } from "@/lib/auth/auth";
import { readAuthBody } from "@/lib/auth/auth-body";
import { json } from "@/lib/http/request-guards";
import { forgetVerifiedSessions } from "@/lib/auth/session";
import {
  checkCredentialAttempt,
  normaliseEmail,
  recordSignInFailure,
  recordSignInSuccess,
} from "@/lib/auth/sign-in-limits";
import type { RateLimitResult } from "@/lib/auth/rate-limit";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { logger } from "@/lib/http/log";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Requests that carry a password: limited per client address, and sign-in also per account
// with back-off (see lib/auth/sign-in-limits.ts for the policy).
const CREDENTIALS = /\/(sign-in\/email|sign-up\/email|change-password)$/;
const SIGN_IN = /\/sign-in\/email$/;
// Password reset goes through /api/account/password-reset (rate limits per address and per
// e-mail, the same answer and timing for unknown addresses, a record of used tokens); the
// library's own endpoints would skip all of that.
const RESET = /\/(request-password-reset|reset-password)$/;

function refused(result: Exclude<RateLimitResult, { allowed: true }>): Response {
  const error = result.unavailable
    ? "Sign-in is briefly unavailable. Please try again in a moment."
    : `Too many attempts. Please wait ${result.retryAfterSeconds} s and try again.`;
  return json({ error }, result.unavailable ? 503 : 429, {
    "retry-after": String(result.retryAfterSeconds),
  });
}

export async function GET(request: Request): Promise<Response> {
  return getAuth().handler(request);
}

/**
 * Every POST with a session changes state (update-user, change-password, sign-out …): better-auth
 * must check the session in the database, not trust its signed cookie cache, so a cookie captured
 * before sign-out is refused at once. Its session middleware honours this query parameter.
 */
function withoutCookieCache(url: string): string {
  const target = new URL(url);
  target.searchParams.set("disableCookieCache", "true");
  return target.toString();
}

export async function POST(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (RESET.test(pathname))
    return json({ error: "Use /api/account/password-reset to reset a password." }, 404);
  const body = await readAuthBody(request, withoutCookieCache(request.url));
  if (!body.ok) return body.response;
  if (!CREDENTIALS.test(pathname)) {
    const response = await getAuth().handler(body.request);
    if (pathname.endsWith("/sign-out")) forgetVerifiedSessions();
    return response;
  }
  const signIn = SIGN_IN.test(pathname);
  const email = normaliseEmail(body.fields.email);
  const address = clientAddressFromHeaders(request.headers);
  const allowed = await checkCredentialAttempt({ signIn, email, address });
  if (!allowed.allowed) return refused(allowed);
  const response = await getAuth().handler(body.request);
  if (signIn && email) {
    // better-auth answers 401 for a wrong password and for an unknown e-mail alike.
    const record =
      response.status === 401
        ? recordSignInFailure(email, address)
        : response.ok
          ? recordSignInSuccess(email, address)
          : null;
    await record?.catch((error: unknown) =>
      logger.error({ err: error }, "rate-limit: could not record the sign-in outcome"),
    );
  }
  return response;
}
