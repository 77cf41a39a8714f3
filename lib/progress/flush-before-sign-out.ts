// Signing out must not cost the learner their last keystrokes: what is still in the editor's
// debounce goes to the outbox, the outbox is sent with the session that is about to end, and
// only then does the session end. On a slow machine or network that may take long, so the wait
// is bounded; whatever is not on the server by then stays in this browser under the account
// (the outbox is keyed by owner) and goes out at the next sign-in — it is never dropped.

export const SIGN_OUT_FLUSH_TIMEOUT_MS = 5_000;

export type SignOutFlushDeps = {
  /** Moves debounced edits into the outbox. */
  commitEdits: () => Promise<void>;
  /** Sends the outbox; resolves when it is empty or has to wait (offline, refused). */
  flush: () => Promise<void>;
  /** This account's changes not yet on the server (parked ones are not counted: see below). */
  remaining: () => Promise<number>;
  timeoutMs?: number;
  schedule?: (callback: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
};

export type SignOutFlushResult = {
  /** Changes kept in this browser for the account, sent when the learner signs in again. */
  kept: number;
  timedOut: boolean;
};

export async function flushBeforeSignOut(deps: SignOutFlushDeps): Promise<SignOutFlushResult> {
  const schedule = deps.schedule ?? ((callback, ms) => setTimeout(callback, ms));
  const cancel = deps.cancel ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let handle: unknown = null;
  const timeout = new Promise<"timeout">((resolve) => {
    handle = schedule(() => resolve("timeout"), deps.timeoutMs ?? SIGN_OUT_FLUSH_TIMEOUT_MS);
  });
  const work = (async () => {
    await deps.commitEdits();
    await deps.flush();
    return "done" as const;
  })().catch((error: unknown) => {
    // A failure here must not block signing out; what was not sent is counted below.
    console.error("[progress] could not send changes before signing out:", error);
    return "done" as const;
  });
  const outcome = await Promise.race([work, timeout]);
  cancel(handle);
  return { kept: await deps.remaining(), timedOut: outcome === "timeout" };
}

/** What the learner is told when changes could not be sent before signing out. */
export function keptChangesMessage(kept: number): string | null {
  if (kept <= 0) return null;
  const changes = kept === 1 ? "1 change is" : `${kept} changes are`;
  return `${changes} kept in this browser and will be saved when you sign in again.`;
}
