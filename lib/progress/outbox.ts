import { syncResultSchema, type CellSnapshot, type SyncBatch, type SyncMutation } from "./schemas";
import { ANONYMOUS, type Owner, type ProgressStorage } from "./storage";

// The browser's outbox: every change is stored locally first (IndexedDB), then sent in batches
// to POST /api/progress/sync. A mutation leaves the outbox only when the server has answered
// for it (applied, duplicate or stale), so an outage, a closed tab or a server restart loses
// nothing; ids make a resend harmless.

export type SyncState = "saved" | "saving" | "offline" | "local";
export type SyncStatus = { state: SyncState; pending: number; lastError: string | null };

export type TransportResult =
  | { kind: "ok"; body: unknown }
  | { kind: "unauthorized" }
  | { kind: "invalid"; status: 413 | 422; fieldErrors: Record<string, string[]> }
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
  private status: SyncStatus = { state: "saved", pending: 0, lastError: null };
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
    this.cancel = options.cancel ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  /** Who is signed in (null: anonymous). Anonymous work is adopted by the account. */
  async setOwner(userId: string | null): Promise<void> {
    this.owner = userId;
    if (userId) await this.options.storage.reassignMutations(ANONYMOUS, userId);
    await this.refresh();
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

  async enqueue(mutation: SyncMutation): Promise<void> {
    await this.options.storage.addMutation(this.getOwner(), mutation);
    await this.refresh();
  }

  /** Mutations of the current owner not yet acknowledged. */
  async pending(): Promise<SyncMutation[]> {
    const owner = this.getOwner();
    this.cached = (await this.options.storage.listMutations()).filter((entry) => entry.owner === owner).map((entry) => entry.mutation);
    return this.cached;
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
      // Without an account, work is kept in this browser only: say so even when nothing waits.
      if (!this.owner) return this.setStatus({ state: "local", pending: pending.length, lastError: null });
      if (pending.length === 0) return this.setStatus({ state: "saved", pending: 0, lastError: null });
      this.setStatus({ state: "saving", pending: pending.length, lastError: null });
      const batch = pending.slice(0, batchSize);
      let result: TransportResult;
      try {
        result = await this.options.transport({ mutations: batch });
      } catch (error) {
        result = { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
      }
      switch (result.kind) {
        case "ok": {
          const parsed = syncResultSchema.safeParse(result.body);
          if (!parsed.success) return this.retryLater("the server's answer was not understood");
          this.failures = 0;
          await this.options.onSnapshots?.(this.owner, parsed.data.cells, parsed.data.stale);
          const answered = new Set([...parsed.data.applied, ...parsed.data.duplicates, ...parsed.data.stale]);
          await this.options.storage.deleteMutations(batch.map((m) => m.id).filter((id) => answered.has(id)));
          batchSize = this.batchSize;
          break;
        }
        case "unauthorized":
          // Signed out (or the session expired): keep everything locally until sign-in.
          this.owner = null;
          return this.setStatus({ state: "local", pending: pending.length, lastError: "signed out" });
        case "invalid": {
          if (result.status === 413 && batchSize > 1) {
            batchSize = Math.max(1, Math.floor(batchSize / 2));
            break;
          }
          // A mutation the server can never accept (a client bug) must not block the rest
          // forever: it is dropped and reported; every other mutation is kept.
          const bad = new Set<number>();
          for (const key of Object.keys(result.fieldErrors)) {
            const index = /^mutations\.(\d+)/.exec(key)?.[1];
            if (index !== undefined) bad.add(Number(index));
          }
          const dropped = bad.size > 0 ? batch.filter((_, i) => bad.has(i)) : batch.slice(0, 1);
          console.error("[progress] dropping mutations the server refuses:", dropped, result.fieldErrors);
          await this.options.storage.deleteMutations(dropped.map((m) => m.id));
          break;
        }
        case "retry":
          return this.retryLater(result.reason, result.retryAfterMs);
      }
    }
  }

  private async retryLater(reason: string, retryAfterMs?: number): Promise<void> {
    this.failures += 1;
    const exponential = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (this.failures - 1));
    const delay = Math.max(retryAfterMs ?? 0, exponential * (0.75 + Math.random() * 0.5));
    this.retryHandle = this.schedule(() => {
      this.retryHandle = null;
      void this.flush();
    }, delay);
    this.setStatus({ state: "offline", pending: (await this.pending()).length, lastError: reason });
  }

  private async refresh(): Promise<void> {
    const pending = (await this.pending()).length;
    const state = !this.owner ? "local" : pending === 0 ? "saved" : this.status.state === "offline" ? "offline" : "saving";
    this.setStatus({ state, pending, lastError: this.status.lastError });
  }

  private setStatus(status: SyncStatus): void {
    const same = status.state === this.status.state && status.pending === this.status.pending && status.lastError === this.status.lastError;
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
export function createFetchTransport(options: { url?: string; fetch?: typeof fetch; headers?: () => Record<string, string> } = {}): SyncTransport {
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
      return { kind: "retry", reason: `network: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (response.ok) return { kind: "ok", body: await response.json().catch(() => null) };
    if (response.status === 401) return { kind: "unauthorized" };
    if (response.status === 413 || response.status === 422) {
      const body = (await response.json().catch(() => ({}))) as { fieldErrors?: Record<string, string[]> };
      return { kind: "invalid", status: response.status, fieldErrors: body.fieldErrors ?? {} };
    }
    const retryAfter = Number(response.headers.get("retry-after"));
    return { kind: "retry", reason: `HTTP ${response.status}`, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined };
  };
}
