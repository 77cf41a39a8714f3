import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AuthEnv } from "./env";

/**
 * The secret that signs session cookies. A deployment (production, not on localhost) must set
 * AUTH_SECRET; a local run generates one once and keeps it in .data/auth-secret so sessions
 * survive restarts.
 */
export function resolveAuthSecret(env: AuthEnv): string {
  if (env.secret) return env.secret;
  if (env.production && !env.isLocal) {
    throw new Error(
      `AUTH_SECRET is required in production (public URL ${env.baseUrl}). ` +
        "Set it to a random string of at least 32 characters, e.g. `AUTH_SECRET=$(openssl rand -base64 32)`.",
    );
  }
  const file = path.resolve(env.secretFile);
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= 32) return stored;
  } catch {
    // Not generated yet.
  }
  const generated = randomBytes(32).toString("base64url");
  mkdirSync(path.dirname(file), { recursive: true });
  // 'wx' keeps the first writer's secret if two processes start at once.
  try {
    writeFileSync(file, generated + "\n", { mode: 0o600, flag: "wx" });
    return generated;
  } catch {
    return readFileSync(file, "utf8").trim();
  }
}
