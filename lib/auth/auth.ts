import "server-only";
import { betterAuth } from "better-auth";
import { APIError } from "better-auth/api";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { getPrisma } from "@/lib/db/client";
import { readAuthEnv } from "./env";
import { tooLongField } from "./field-limits";
import { RESET_TOKEN_TTL_SECONDS, sendResetPasswordLink } from "./reset-mail";
import { resolveAuthSecret } from "./secret";

// better-auth, created on first use (not at import) so `next build` never needs a secret or a
// database. Email + password only. Rate limiting is ours (rate-limit.ts, shared through Redis
// across instances), so the library's per-process limiter is replaced, not merely removed.

/**
 * The field caps again, where every write of a user passes (sign-up, update-user, any future
 * endpoint), not only the requests our route handler reads.
 */
async function capUserFields(user: Record<string, unknown>): Promise<void> {
  const tooLong = tooLongField({ name: user.name, email: user.email });
  if (tooLong) throw new APIError("BAD_REQUEST", { message: tooLong.message });
}

function createAuth() {
  const env = readAuthEnv();
  const secureCookies = env.production && !(env.isLocal && env.baseUrl.startsWith("http://"));
  return betterAuth({
    appName: "Courses",
    baseURL: env.baseUrl,
    secret: resolveAuthSecret(env),
    trustedOrigins: env.trustedOrigins,
    database: prismaAdapter(getPrisma(), { provider: "postgresql" }),
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 8,
      maxPasswordLength: 128,
      autoSignIn: true,
      // Forgot password: a single-use link for an hour (reset-mail.ts, password-reset.ts);
      // using it signs the account out everywhere.
      sendResetPassword: (data) => sendResetPasswordLink(data),
      resetPasswordTokenExpiresIn: RESET_TOKEN_TTL_SECONDS,
      revokeSessionsOnPasswordReset: true,
    },
    user: {
      additionalFields: {
        // Never settable from sign-up; instructors and admins are promoted in the database.
        role: { type: "string", required: false, defaultValue: "learner", input: false },
      },
    },
    databaseHooks: {
      user: {
        create: { before: (user) => capUserFields(user) },
        update: { before: (user) => capUserFields(user) },
      },
    },
    // The cookie cache spares a database lookup per read; state-changing requests bypass it
    // (session.ts `fresh`), and a minute bounds how long a cookie captured before sign-out can read.
    session: {
      expiresIn: 60 * 60 * 24 * 30,
      updateAge: 60 * 60 * 24,
      cookieCache: { enabled: true, maxAge: 60 },
    },
    rateLimit: { enabled: false },
    advanced: {
      useSecureCookies: secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure: secureCookies },
    },
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const AUTH = Symbol.for("courses.auth.instance");
type GlobalWithAuth = typeof globalThis & { [AUTH]?: Auth };

export function getAuth(): Auth {
  const store = globalThis as GlobalWithAuth;
  store[AUTH] ??= createAuth();
  return store[AUTH];
}

/** Forgets the instance (tests that switch databases). */
export function resetAuth(): void {
  delete (globalThis as GlobalWithAuth)[AUTH];
}

/**
 * Checks the auth configuration at server start, so a deployment without AUTH_SECRET fails with
 * a clear message instead of on the first sign-in. Call from instrumentation register().
 */
export function assertAuthConfig(): void {
  resolveAuthSecret(readAuthEnv());
}
