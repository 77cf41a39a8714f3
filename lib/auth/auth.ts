import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { getPrisma } from "@/lib/db/client";
import { readAuthEnv } from "./env";
import { resolveAuthSecret } from "./secret";

// better-auth, created on first use (not at import) so `next build` never needs a secret or a
// database. Email + password only. Rate limiting is ours (rate-limit.ts, shared through Redis
// across instances), so the library's per-process limiter is replaced, not merely removed.

function createAuth() {
  const env = readAuthEnv();
  const secureCookies = env.production && !(env.isLocal && env.baseUrl.startsWith("http://"));
  return betterAuth({
    appName: "Courses",
    baseURL: env.baseUrl,
    secret: resolveAuthSecret(env),
    trustedOrigins: env.trustedOrigins,
    database: prismaAdapter(getPrisma(), { provider: "postgresql" }),
    emailAndPassword: { enabled: true, minPasswordLength: 8, maxPasswordLength: 128, autoSignIn: true },
    user: {
      additionalFields: {
        // Never settable from sign-up; instructors and admins are promoted in the database.
        role: { type: "string", required: false, defaultValue: "learner", input: false },
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24, cookieCache: { enabled: true, maxAge: 60 * 5 } },
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
