// What the "is my work saved?" indicator may say, derived from facts only: it says `saved`
// when every change made so far is durable on the server. Before this existed the indicator
// was the outbox's own state, and the outbox cannot see an edit still inside the editor's
// debounce (or being written to IndexedDB): on a slow machine a pause mid-typing sent the first
// characters, the server's answer turned the indicator to `saved`, and the last characters were
// still in the debounce timer when the learner signed out.

/**
 * saved: everything is on the server · saving: something is on its way · offline: the server
 * could not be reached and a retry waits · local: not signed in, kept in this browser only ·
 * refused: nothing is on its way, but the server refused some changes (parked) — not saved.
 */
type SyncState = "saved" | "saving" | "offline" | "local" | "refused";

export type SyncStatus = {
  state: SyncState;
  /** Changes not yet on the server (local edits, queued and in flight), parked ones excepted. */
  pending: number;
  lastError: string | null;
  /** Changes the server refused as invalid, kept in this browser (see discardParked/retryParked). */
  parked: number;
  /** Why the most recent of them was refused, in the server's words. */
  parkedReason: string | null;
};

export type SyncFacts = {
  signedIn: boolean;
  /** Changes made but not yet in the outbox: inside their debounce or being written locally. */
  local: number;
  /** Outbox entries not yet answered for (sent ones stay until the server answers). */
  queued: number;
  /** A request to the server has not answered yet. */
  inFlight: boolean;
  /** Why the last attempt failed, while a retry is scheduled; null otherwise. */
  retrying: string | null;
  lastError: string | null;
  parked: number;
  parkedReason: string | null;
};

export type SyncEvent =
  | { type: "owner"; signedIn: boolean }
  /** A change was made that is not in the outbox yet (an edit starts its debounce). */
  | { type: "hold" }
  /** That change is in the outbox now (or was superseded by one that is). */
  | { type: "release" }
  /** The outbox was read: what waits, what is parked. */
  | { type: "counted"; queued: number; parked: number; parkedReason: string | null }
  | { type: "send" }
  | { type: "answered" }
  | { type: "failed"; reason: string }
  | { type: "unauthorized" };

export const INITIAL_FACTS: SyncFacts = {
  signedIn: false,
  local: 0,
  queued: 0,
  inFlight: false,
  retrying: null,
  lastError: null,
  parked: 0,
  parkedReason: null,
};

export function nextFacts(facts: SyncFacts, event: SyncEvent): SyncFacts {
  switch (event.type) {
    case "owner":
      return { ...facts, signedIn: event.signedIn, lastError: null, retrying: null };
    case "hold":
      return { ...facts, local: facts.local + 1 };
    case "release":
      return { ...facts, local: Math.max(0, facts.local - 1) };
    case "counted":
      return {
        ...facts,
        queued: event.queued,
        parked: event.parked,
        parkedReason: event.parkedReason,
      };
    case "send":
      return { ...facts, inFlight: true };
    case "answered":
      return { ...facts, inFlight: false, retrying: null, lastError: null };
    case "failed":
      return { ...facts, inFlight: false, retrying: event.reason, lastError: event.reason };
    case "unauthorized":
      return {
        ...facts,
        inFlight: false,
        signedIn: false,
        retrying: null,
        lastError: "signed out",
      };
  }
}

export function syncStatusOf(facts: SyncFacts): SyncStatus {
  const pending = facts.local + facts.queued;
  const state: SyncState = !facts.signedIn
    ? "local"
    : facts.retrying !== null && pending > 0
      ? "offline"
      : pending > 0 || facts.inFlight
        ? "saving"
        : facts.parked > 0
          ? "refused"
          : "saved";
  return {
    state,
    pending,
    lastError: facts.lastError,
    parked: facts.parked,
    parkedReason: facts.parkedReason,
  };
}

export function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return (
    a.state === b.state &&
    a.pending === b.pending &&
    a.lastError === b.lastError &&
    a.parked === b.parked &&
    a.parkedReason === b.parkedReason
  );
}
