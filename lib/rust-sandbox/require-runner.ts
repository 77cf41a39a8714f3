/**
 * The one gate every Rust run passes: a signed-in learner (a build costs this server seconds of
 * CPU, so running is for accounts; reading and editing are for everyone), within their rate
 * limit (RUST_RATE_LIMIT_PER_MINUTE, shared through Redis when REDIS_URL is set).
 */
import { consumeRateLimit } from "@/lib/auth/rate-limit";
import { getSessionFromHeaders, type SessionUser } from "@/lib/auth/session";

export type RunnerGate = { ok: true; userId: string } | { ok: false; message: string };

export const SIGN_IN_TO_RUN = "Sign in to run Rust cells: they build on this server, so running is for learners with an account. You can read and edit the code without one.";

export type RunnerGateDeps = {
  user(headers: Headers): Promise<SessionUser | null>;
  consume: typeof consumeRateLimit;
};

// fresh: a run is state-changing work, so a session signed out a moment ago must not pass.
const defaults: RunnerGateDeps = { user: (headers) => getSessionFromHeaders(headers, { fresh: true }), consume: consumeRateLimit };

export async function requireRunner(headers: Headers, deps: RunnerGateDeps = defaults): Promise<RunnerGate> {
  let user: SessionUser | null;
  try {
    user = await deps.user(headers);
  } catch (error) {
    console.error(`[rust] session check failed: ${error instanceof Error ? error.message : String(error)}`);
    return { ok: false, message: "Your sign-in could not be checked just now (the database did not answer); please try again in a moment." };
  }
  if (!user) return { ok: false, message: SIGN_IN_TO_RUN };
  const taken = await deps.consume("rust", user.id);
  if (!taken.allowed) return { ok: false, message: `Too many runs in a short time; try again in ${taken.retryAfterSeconds} s.` };
  return { ok: true, userId: user.id };
}
