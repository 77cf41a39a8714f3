import { syncResultSchema, type CellSnapshot, type SyncBatch, type SyncMutation } from "./schemas";
import { ANONYMOUS, type OutboxEntry, type Owner, type ProgressStorage } from "./storage";
import {
  INITIAL_FACTS,
  nextFacts,
  sameStatus,
  syncStatusOf,
  type SyncEvent,
  type SyncFacts,
  type SyncStatus,
} from "./sync-state";

// The browser's outbox: every change is stored locally first (IndexedDB), then sent in batches
// to POST /api/progress/sync. A mutation leaves the outbox only when the server has answered
// for it (applied, duplicate or stale), so an outage, a closed tab or a server restart loses
// nothing; ids make a resend harmless.
//
// What the server answers decides what happens to a batch: a 5xx or a network error is retried
// with exponential back-off (with jitter, at most 30 s apart; a 429 waits at least Retry-After);
// a 401 keeps everything for the account; a refusal as invalid (400, 413 for one mutation, 422
// and other 4xx) PARKS the mutations it names: kept in storage and shown to the learner, never
// resent by itself and never in the way of later changes.

export type { SyncStatus } from "./sync-state";

export type TransportResult =
  | { kind: "ok"; body: unknown }
  | { kind: "unauthorized" }
  | { kind: "invalid"; status: number; fieldErrors: Record<string, string[]>; message?: string }
  | { kind: "retry"; reason: string; retryAfterMs?: number };

export type SyncTransport = (batch: SyncBatch) => Promise<TransportResult>;

export type OutboxOptions = {
  storage: ProgressStorage;
  transport: SyncTransport;
  batchSize?: number;
  /** Delays between retries while offline: base doubles up to max, with jitter. */
  backoff?: { baseMs: number; maxMs: number };
  onSnapshots?: (owner: Owner, cells: CellSnapshot[], staleIds: string[]) => Promise<void> | void;
  schedule?: (callback: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
};

export class Outbox {
  private owner: Owner | null = null; // null: not signed in
  // The indicator's state is derived from these facts (sync-state.ts), never set directly.
  private facts: SyncFacts = INITIAL_FACTS;
  private status: SyncStatus = syncStatusOf(INITIAL_FACTS);
  private listeners = new Set<(status: SyncStatus) => void>();
  private flushing: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private retryHandle: unknown = null;
  /** The current owner's pending mutations as last read, for the synchronous beacon path. */
  private cached: SyncMutation[] = [];
  private readonly batchSize: number;
  private readonly backoff: { baseMs: number; maxMs: number };
  private readonly schedule: (callback: () => void, ms: number) => unknown;
  private readonly cancel: (handle: unknown) => void;

  constructor(private readonly options: OutboxOptions) {
    this.batchSize = options.batchSize ?? 50;
    this.backoff = options.backoff ?? { baseMs: 1_000, maxMs: 30_000 };
    this.schedule = options.schedule ?? ((callback, ms) => setTimeout(callback, ms));
    this.cancel =
      options.cancel ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** Who is signed in (null: anonymous). Anonymous work is adopted by the account. */
  async setOwner(userId: string | null): Promise<void> {
    this.owner = userId;
    this.dispatch({ type: "owner", signedIn: userId !== null });
    if (userId) await this.options.storage.reassignMutations(ANONYMOUS, userId);
    await this.refresh();
    // Changes kept for this account (e.g. from before a sign-out that could not wait for them)
    // go out now, not only at the next edit.
    if (userId && this.cached.length > 0 && this.owner === userId) void this.flush();
  }

  getOwner(): Owner {
    return this.owner ?? ANONYMOUS;
  }

  getStatus(): SyncStatus {
    return this.status;
  }

  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A change is on its way to the outbox but not in it yet (an edit inside its debounce, a local
   * write): until the returned release is called the indicator cannot say `saved`.
   */
  hold(): () => void {
    this.dispatch({ type: "hold" });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.dispatch({ type: "release" });
    };
  }

  /** Changes made in this tab that are not in the outbox yet. */
  heldCount(): number {
    return this.facts.local;
  }

  /**
   * `owner` is whose change this is: a store that outlives its account (the learner signs out
   * while an edit is debounced) still files it under that account, not under whoever is next.
   */
  async enqueue(mutation: SyncMutation, owner: Owner = this.getOwner()): Promise<void> {
    await this.options.storage.addMutation(owner, mutation);
    await this.refresh();
  }

  /** Mutations of the current owner not yet acknowledged, parked ones excepted. */
  async pending(): Promise<SyncMutation[]> {
    const owner = this.getOwner();
    const mine = (await this.options.storage.listMutations()).filter(
      (entry) => entry.owner === owner,
    );
    const parked = mine.filter((entry) => entry.parked);
    const latest = parked.reduce<OutboxEntry | null>(
      (a, b) => (a && (a.parked?.at ?? 0) > (b.parked?.at ?? 0) ? a : b),
      null,
    );
    this.cached = mine.filter((entry) => !entry.parked).map((entry) => entry.mutation);
    if (owner === this.getOwner())
      this.dispatch({
        type: "counted",
        queued: this.cached.length,
        parked: parked.length,
        parkedReason: latest?.parked?.reason ?? null,
      });
    return this.cached;
  }

  /** The current owner's parked mutations, with the server's reasons. */
  async parked(): Promise<OutboxEntry[]> {
    const owner = this.getOwner();
    return (await this.options.storage.listMutations()).filter(
      (entry) => entry.owner === owner && entry.parked,
    );
  }

  /** The learner gives up on the parked changes: they are deleted from this browser. */
  async discardParked(): Promise<void> {
    await this.options.storage.deleteMutations(
      (await this.parked()).map((entry) => entry.mutation.id),
    );
    await this.refresh();
  }

  /** The learner asks to send the parked changes again (e.g. after the server was fixed). */
  async retryParked(): Promise<void> {
    await this.options.storage.parkMutations(
      (await this.parked()).map((entry) => entry.mutation.id),
      null,
    );
    await this.refresh();
    await this.flush();
  }

  /**
   * For `visibilitychange` → hidden, when an async fetch may never finish: hands what fits in
   * one beacon (browsers cap beacons near 64 KB) to `send`. Nothing is removed — the answer
   * cannot be read — and the next flush resends; the server ignores what it already has.
   */
  beaconPending(send: (body: string) => boolean, maxBytes = 60_000): number {
    if (!this.owner || this.cached.length === 0) return 0;
    const batch: SyncMutation[] = [];
    let size = 20;
    for (const mutation of this.cached.slice(0, this.batchSize)) {
      const length = JSON.stringify(mutation).length + 1;
      if (size + length > maxBytes) break;
      batch.push(mutation);
      size += length;
    }
    if (batch.length === 0) return 0;
    return send(JSON.stringify({ mutations: batch })) ? batch.length : 0;
  }

  /** Sends everything pending; resolves when the outbox is empty or sending has to wait. */
  flush(): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      try {
        do {
          this.again = false;
          await this.flushOnce();
        } while (this.again);
      } finally {
        this.flushing = null;
      }
    })();
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    if (this.retryHandle !== null) {
      this.cancel(this.retryHandle);
      this.retryHandle = null;
    }
    let batchSize = this.batchSize;
    for (;;) {
      const pending = await this.pending();
      // Without an account, work is kept in this browser only (the state says "local").
      if (!this.owner || pending.length === 0) return;
      const batch = pending.slice(0, batchSize);
      let result: TransportResult;
      this.dispatch({ type: "send" });
      try {
        result = await this.options.transport({ mutations: batch });
      } catch (error) {
        result = { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
      }
      if (result.kind !== "retry") this.dispatch({ type: "answered" });
      switch (result.kind) {
        case "ok": {
          const parsed = syncResultSchema.safeParse(result.body);
          if (!parsed.success) return this.retryLater("the server's answer was not understood");
          this.failures = 0;
          await this.options.onSnapshots?.(this.owner, parsed.data.cells, parsed.data.stale);
          const answered = new Set([
            ...parsed.data.applied,
            ...parsed.data.duplicates,
            ...parsed.data.stale,
          ]);
          await this.options.storage.deleteMutations(
            batch.map((m) => m.id).filter((id) => answered.has(id)),
          );
          batchSize = this.batchSize;
          break;
        }
        case "unauthorized":
          // Signed out (or the session expired): keep everything locally until sign-in.
          this.owner = null;
          return this.dispatch({ type: "unauthorized" });
        case "invalid": {
          if (result.status === 413 && batchSize > 1) {
            batchSize = Math.max(1, Math.floor(batchSize / 2));
            break;
          }
          // Resending what the server refused would fail the same way and hold up everything
          // behind it: the named mutations (the whole batch when none is named) are parked.
          await this.park(batch, result);
          break;
        }
        case "retry":
          return this.retryLater(result.reason, result.retryAfterMs);
      }
    }
  }

  private async park(
    batch: SyncMutation[],
    result: Extract<TransportResult, { kind: "invalid" }>,
  ): Promise<void> {
    const reasons = new Map<number, string[]>();
    for (const [key, messages] of Object.entries(result.fieldErrors)) {
      const match = /^mutations\.(\d+)(?:\.(.+))?$/.exec(key);
      if (!match || Number(match[1]) >= batch.length) continue;
      // "payload.code" → "code": the learner knows the field, not the protocol's nesting.
      const field = match[2]?.split(".").pop();
      const list = reasons.get(Number(match[1])) ?? [];
      list.push(...messages.map((message) => (field ? `${field}: ${message}` : message)));
      reasons.set(Number(match[1]), list);
    }
    const fallback =
      result.message ??
      (result.status === 413
        ? "the change is too large to save"
        : `the server refused it (HTTP ${result.status})`);
    const at = Date.now();
    const refused = reasons.size > 0 ? [...reasons.keys()] : batch.map((_, i) => i);
    console.error(
      "[progress] parking mutations the server refuses:",
      result.status,
      result.fieldErrors,
    );
    for (const index of refused) {
      const mutation = batch[index];
      if (mutation)
        await this.options.storage.parkMutations([mutation.id], {
          at,
          reason: reasons.get(index)?.join("; ") ?? fallback,
        });
    }
  }

  private async retryLater(reason: string, retryAfterMs?: number): Promise<void> {
    this.failures += 1;
    const exponential = this.backoff.baseMs * 2 ** (this.failures - 1);
    // Jitter spreads the retries of many browsers after an outage; the cap holds after it.
    const backoff = Math.min(this.backoff.maxMs, exponential * (0.75 + Math.random() * 0.5));
    const delay = Math.max(retryAfterMs ?? 0, backoff);
    this.retryHandle = this.schedule(() => {
      this.retryHandle = null;
      void this.flush();
    }, delay);
    this.dispatch({ type: "failed", reason });
    await this.pending();
  }

  private async refresh(): Promise<void> {
    await this.pending();
  }

  private dispatch(event: SyncEvent): void {
    this.facts = nextFacts(this.facts, event);
    const status = syncStatusOf(this.facts);
    const same = sameStatus(status, this.status);
    this.status = status;
    if (!same) for (const listener of this.listeners) listener(status);
  }

  /** Stops a scheduled retry (page teardown, tests). */
  dispose(): void {
    if (this.retryHandle !== null) this.cancel(this.retryHandle);
    this.retryHandle = null;
    this.listeners.clear();
  }
}

/** fetch-based transport for the browser (and tests/benchmarks with a cookie). */
export function createFetchTransport(
  options: { url?: string; fetch?: typeof fetch; headers?: () => Record<string, string> } = {},
): SyncTransport {
  const url = options.url ?? "/api/progress/sync";
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  return async (batch) => {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(options.headers?.() ?? {}) },
        body: JSON.stringify(batch),
        credentials: "same-origin",
      });
    } catch (error) {
      return {
        kind: "retry",
        reason: `network: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (response.ok) return { kind: "ok", body: await response.json().catch(() => null) };
    if (response.status === 401) return { kind: "unauthorized" };
    // 408 and 429 say "later"; any other 4xx says "never like this".
    if (
      response.status >= 400 &&
      response.status < 500 &&
      response.status !== 408 &&
      response.status !== 429
    ) {
      const body = (await response.json().catch(() => ({}))) as {
        fieldErrors?: Record<string, string[]>;
        error?: unknown;
      };
      return {
        kind: "invalid",
        status: response.status,
        fieldErrors: body.fieldErrors ?? {},
        ...(typeof body.error === "string" ? { message: body.error } : {}),
      };
    }
    const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
    return {
      kind: "retry",
      reason: `HTTP ${response.status}`,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  };
}

/** Retry-After in milliseconds (seconds or an HTTP date), capped at 10 minutes. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), 600_000) : undefined;
}
