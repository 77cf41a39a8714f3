/**
 * Slows password guessing the way Neo4j does (dbms.security.auth_max_failed_attempts): after
 * `maxFailures` wrong attempts for a user within the lock window, further attempts for that user
 * are refused without checking until the window passes. Shared by all connections of a server.
 */
export interface AuthGuardOptions {
  maxFailures?: number;
  lockMs?: number;
  now?: () => number;
}

export class AuthGuard {
  private readonly failures = new Map<string, { count: number; since: number }>();
  private readonly maxFailures: number;
  private readonly lockMs: number;
  private readonly now: () => number;

  constructor(options: AuthGuardOptions = {}) {
    this.maxFailures = options.maxFailures ?? 3;
    this.lockMs = options.lockMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** True while this principal is locked out. */
  locked(principal: string): boolean {
    const f = this.failures.get(principal);
    if (!f) return false;
    if (this.now() - f.since > this.lockMs) {
      this.failures.delete(principal);
      return false;
    }
    return f.count >= this.maxFailures;
  }

  recordFailure(principal: string): void {
    const f = this.failures.get(principal);
    if (!f || this.now() - f.since > this.lockMs)
      this.failures.set(principal, { count: 1, since: this.now() });
    else f.count++;
    // Bound memory against floods of made-up user names.
    if (this.failures.size > 10_000) this.failures.clear();
  }

  recordSuccess(principal: string): void {
    this.failures.delete(principal);
  }
}
