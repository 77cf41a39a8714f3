import { logger } from "@/lib/http/log";
import { readAuthEnv } from "./env";
import {
  consumeFrom,
  consumeRateLimit,
  LIMITER_UNAVAILABLE,
  namedLimiter,
  retryAfterSeconds,
  type RateLimitResult,
} from "./rate-limit";

/*
 * Credential limits. The goal: password guessing is slow, yet no attacker can lock a learner out
 * of their account from somewhere else.
 *
 * - Per address (AUTH_RATE_LIMIT_PER_MINUTE): every sign-in, sign-up and password change from one
 *   client address, across all accounts. Stops spraying and account farming from one place.
 * - Per (e-mail, address) pair: at most PAIR_ATTEMPTS_PER_MINUTE attempts, and after each failed
 *   password an exponential back-off of 1 s, 2 s, 4 s … capped at AUTH_BACKOFF_MAX_SECONDS
 *   (default 15 min) during which that pair is refused (429 + Retry-After), even with the right
 *   password. Failures are remembered for a day; a successful sign-in clears the pair.
 * - Per e-mail (AUTH_ACCOUNT_FAILURES_PER_HOUR): failed attempts only, from every address. It
 *   never refuses anything by itself; once it is exhausted (a distributed attack on one account),
 *   every further failure puts its pair straight into the maximal back-off, so each attacking
 *   address gets one guess per back-off period. An address with no failures for that account —
 *   the learner's own — is never affected, so a correct password from it still signs in.
 *
 * All counters live where the other limits live (Redis when REDIS_URL is set, with per-process
 * memory insurance), so every instance sees the same back-off.
 */

const PAIR_ATTEMPTS_PER_MINUTE = 5;
const FAILURE_MEMORY_SECONDS = 24 * 60 * 60;
/** Large enough never to reject: the failure counters only count. */
const UNBOUNDED = 1_000_000_000;

function limiters() {
  const env = readAuthEnv();
  return Promise.all([
    namedLimiter("auth-pair", { points: PAIR_ATTEMPTS_PER_MINUTE, duration: 60 }),
    namedLimiter("auth-pair-failures", { points: UNBOUNDED, duration: FAILURE_MEMORY_SECONDS }),
    namedLimiter("auth-pair-backoff", { points: 1, duration: env.authBackoffMaxSeconds }),
    namedLimiter("auth-account-failures", {
      points: env.authAccountFailuresPerHour,
      duration: 60 * 60,
    }),
  ]).then(([pair, pairFailures, backoff, accountFailures]) => ({
    pair,
    pairFailures,
    backoff,
    accountFailures,
  }));
}

export function normaliseEmail(email: unknown): string | null {
  if (typeof email !== "string") return null;
  const trimmed = email.trim().toLowerCase();
  return trimmed === "" ? null : trimmed;
}

// Addresses never contain "|", so the pair key is unambiguous.
const pairKey = (email: string, address: string) => `${address}|${email}`;

/** Before a credential request: the address budget, and for a sign-in the pair's back-off and budget. */
export async function checkCredentialAttempt(attempt: {
  signIn: boolean;
  email: string | null;
  address: string;
}): Promise<RateLimitResult> {
  const byAddress = await consumeRateLimit("auth", `addr:${attempt.address}`);
  if (!byAddress.allowed || !attempt.signIn || !attempt.email) return byAddress;
  const key = pairKey(attempt.email, attempt.address);
  try {
    const { pair, backoff } = await limiters();
    const blocked = await backoff.get(key);
    if (blocked && blocked.consumedPoints > backoff.points && blocked.msBeforeNext > 0) {
      return { allowed: false, retryAfterSeconds: retryAfterSeconds(blocked.msBeforeNext) };
    }
    return await consumeFrom(pair, key, "auth-pair");
  } catch (error) {
    logger.error({ err: error }, "rate-limit: sign-in back-off check failed; refusing the request");
    return LIMITER_UNAVAILABLE;
  }
}

/** After a wrong password: counts it and starts the pair's back-off. Returns the back-off in seconds. */
export async function recordSignInFailure(email: string, address: string): Promise<number> {
  const cap = readAuthEnv().authBackoffMaxSeconds;
  const key = pairKey(email, address);
  const { pairFailures, backoff, accountFailures } = await limiters();
  const failures = (await pairFailures.penalty(key)).consumedPoints;
  const account = await accountFailures.penalty(email);
  const underAttack = account.consumedPoints > accountFailures.points;
  // 2^(n-1) s, computed so that a long history cannot overflow into Infinity.
  const seconds = underAttack ? cap : Math.min(cap, 2 ** Math.min(failures - 1, 30));
  await backoff.block(key, seconds);
  return seconds;
}

/** After a successful sign-in: the pair starts afresh (the account's failure count stays). */
export async function recordSignInSuccess(email: string, address: string): Promise<void> {
  const key = pairKey(email, address);
  const { pair, pairFailures, backoff } = await limiters();
  await Promise.all([pair.delete(key), pairFailures.delete(key), backoff.delete(key)]);
}
