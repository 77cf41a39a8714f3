/**
 * The one gate every Rust run passes: who is asking, and may they run now? Today that is a
 * client key (the forwarded IP) and a token bucket. When accounts exist, look up the session
 * here and refuse anonymous learners; callers stay unchanged.
 */
import { createTokenBucket, type TokenBucket } from "./rate-limit";

export type RunnerGate = { ok: true; clientKey: string } | { ok: false; message: string };

/** 10 runs in a burst, then one every 6 s per client. */
export const runnerRateLimit: TokenBucket = createTokenBucket({ capacity: 10, refillPerSecond: 1 / 6 });

export function clientKeyFrom(headers: Pick<Headers, "get">): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip")?.trim() || "local";
}

export function requireRunner(headers: Pick<Headers, "get">, limiter: TokenBucket = runnerRateLimit): RunnerGate {
  const clientKey = clientKeyFrom(headers);
  const taken = limiter.take(clientKey);
  if (!taken.ok) {
    return { ok: false, message: `Too many runs in a short time; try again in ${Math.ceil(taken.retryAfterMs / 1000)} s.` };
  }
  return { ok: true, clientKey };
}
