// Signing out must not cost the learner their last keystrokes: what is still in the editor's
// debounce goes to the outbox, the outbox is sent with the session that is about to end, and
// only then does the session end. On a slow machine or network that may take long, so the wait
// is bounded. Signing out then deletes the learner's copy from this browser (shared computers):
// if some changes could not reach the server, the learner is asked first (stay, or sign out
// anyway and let them go).

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
  /** Changes of the account not on the server yet (still only in this browser). */
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

/** The question asked before signing out when changes could not be sent, or null. */
export function unsavedChangesWarning(unsaved: number): string | null {
  if (unsaved <= 0) return null;
  const changes = unsaved === 1 ? "1 change is" : `${unsaved} changes are`;
  return `${changes} not saved to your account yet. Signing out removes your work from this browser.`;
}
