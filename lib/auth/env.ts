import { z } from "zod";

// Auth and rate-limit environment. "Local" means the app's public URL is localhost: there a
// secret is generated and kept under .data/; anywhere else in production AUTH_SECRET is required.
const authEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  AUTH_SECRET: z
    .string()
    .min(32, "AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)")
    .optional(),
  BETTER_AUTH_URL: z.url().optional(),
  APP_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://")
    .optional(),
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  AUTH_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(1).default(900),
  AUTH_ACCOUNT_FAILURES_PER_HOUR: z.coerce.number().int().min(1).default(50),
  SYNC_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RUST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  CYPHER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  AUTH_SECRET_FILE: z.string().default(".data/auth-secret"),
});

export type AuthEnv = {
  production: boolean;
  secret: string | undefined;
  baseUrl: string;
  trustedOrigins: string[];
  isLocal: boolean;
  redisUrl: string | undefined;
  authRateLimitPerMinute: number;
  authBackoffMaxSeconds: number;
  authAccountFailuresPerHour: number;
  syncRateLimitPerMinute: number;
  rustRateLimitPerMinute: number;
  cypherRateLimitPerMinute: number;
  secretFile: string;
};

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const VARIABLES = Object.keys(authEnvSchema.shape);
let memo: { key: string; value: AuthEnv } | null = null;

/** Parsed auth environment; re-parsed only when one of its variables changes (called per request). */
export function readAuthEnv(env: Record<string, string | undefined> = process.env): AuthEnv {
  const key = VARIABLES.map((name) => env[name] ?? "\u0000").join("\u0001");
  if (memo?.key === key) return memo.value;
  const value = parseAuthEnv(env);
  memo = { key, value };
  return value;
}

function parseAuthEnv(env: Record<string, string | undefined>): AuthEnv {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).map(([key, value]) => [key, value === "" ? undefined : value]),
  );
  const parsed = authEnvSchema.safeParse(blankToUndefined);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new Error(`Invalid auth configuration: ${detail}`);
  }
  const data = parsed.data;
  const baseUrl = (data.BETTER_AUTH_URL ?? data.APP_URL ?? `http://localhost:${data.PORT}`).replace(
    /\/+$/,
    "",
  );
  const origins = new Set([new URL(baseUrl).origin]);
  if (data.APP_URL) origins.add(new URL(data.APP_URL).origin);
  const isLocal = LOCAL_HOSTS.has(new URL(baseUrl).hostname);
  // The same server is reachable as localhost and 127.0.0.1; both are the local origin.
  if (isLocal) {
    const port = new URL(baseUrl).port;
    const protocol = new URL(baseUrl).protocol;
    for (const host of ["localhost", "127.0.0.1"])
      origins.add(`${protocol}//${host}${port ? `:${port}` : ""}`);
  }
  return {
    production: data.NODE_ENV === "production",
    secret: data.AUTH_SECRET,
    baseUrl,
    trustedOrigins: [...origins],
    isLocal,
    redisUrl: data.REDIS_URL,
    authRateLimitPerMinute: data.AUTH_RATE_LIMIT_PER_MINUTE,
    authBackoffMaxSeconds: data.AUTH_BACKOFF_MAX_SECONDS,
    authAccountFailuresPerHour: data.AUTH_ACCOUNT_FAILURES_PER_HOUR,
    syncRateLimitPerMinute: data.SYNC_RATE_LIMIT_PER_MINUTE,
    rustRateLimitPerMinute: data.RUST_RATE_LIMIT_PER_MINUTE,
    cypherRateLimitPerMinute: data.CYPHER_RATE_LIMIT_PER_MINUTE,
    secretFile: data.AUTH_SECRET_FILE,
  };
}
