/**
 * Runs the Bolt server's queries in worker threads, so a runaway query never blocks the event
 * loop that serves the other sessions: each worker has a heap limit, and one that overruns its
 * deadline is terminated (and replaced). Each worker serves one transaction at a time on its own
 * replica of the graph; the main thread keeps the authoritative copy and the commit order.
 *
 * Writes are serializable by first-committer-wins: a write transaction may commit only if no
 * other write committed since it began. An auto-commit query that loses is re-run here on the new
 * graph (nothing was sent yet); an explicit transaction fails with a transient error, which
 * drivers' managed transactions retry.
 */
import { constants, setPriority } from "node:os";
import { Worker } from "node:worker_threads";
import type { CypherDatabase, QueryResult } from "../database";
import type { GraphDelta } from "../graph";
import type { CypherValue } from "../values";
import { graphAsDelta } from "../snapshot";
import { busyError, conflictError, memoryError, timeoutError } from "../tx-errors";
import {
  errorFromWire,
  type FromWorker,
  type ToWorker,
  type WorkerLimits,
} from "./engine-protocol";
import { workerEntry, type WorkerEntry } from "./worker-entry";

export interface EnginePoolOptions {
  /** Workers kept warm; default 3 (two runaway queries still leave one free). */
  minWorkers?: number;
  /** Workers at most (each holds a replica of the graph); default 6. */
  maxWorkers?: number;
  /** Heap limit of one worker (MB); default 1,024. */
  heapMb?: number;
  /** How long after its deadline a worker may stay silent before it is terminated (ms); default 1,000. */
  graceMs?: number;
  /** How long a transaction may wait for a free worker (ms); default 10,000. */
  acquireTimeoutMs?: number;
  limits?: Partial<WorkerLimits>;
  /** Called in commit order; the commit is acknowledged only when the promise settles. */
  persist?: (version: number, delta: GraphDelta) => Promise<void>;
  log?: (message: string) => void;
}

export interface AsyncTransaction {
  readonly inWorker: true;
  readonly open: boolean;
  run(query: string, params: Map<string, CypherValue>, deadline: number): Promise<QueryResult>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

const AUTO_COMMIT_ATTEMPTS = 1_000;
/** A statement running longer than this gets a lower CPU priority, so short queries stay quick. */
const SLOW_MS = 200;

function nice(tid: number | undefined, priority: number): boolean {
  if (tid === undefined) return false;
  try {
    setPriority(tid, priority);
    return true;
  } catch {
    return false;
  }
}

interface Waiting {
  resolve: (m: FromWorker) => void;
  reject: (e: unknown) => void;
  timer?: NodeJS.Timeout;
  slow?: NodeJS.Timeout;
  niced?: boolean;
}

class EngineWorker {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  private seq = 0;
  private readonly waiting = new Map<number, Waiting>();
  dead = false;
  private deathReason: Error | undefined;
  private tid: number | undefined;

  constructor(
    private readonly pool: EnginePool,
    limits: WorkerLimits,
    heapMb: number,
    entry: WorkerEntry,
  ) {
    this.worker = new Worker(entry.url, {
      workerData: { ...entry.data, limits },
      resourceLimits: {
        maxOldGenerationSizeMb: heapMb,
        maxYoungGenerationSizeMb: Math.min(64, Math.max(8, heapMb / 8)),
      },
    });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      const onReady = (m: unknown): void => {
        if (m && typeof m === "object" && "ready" in m) {
          this.tid = (m as { tid?: number }).tid;
          this.worker.off("message", onReady);
          resolve();
        }
      };
      this.worker.on("message", onReady);
      this.worker.once("exit", () =>
        reject(this.deathReason ?? new Error("the engine worker exited during start")),
      );
    });
    this.ready.catch(() => {});
    this.worker.on("message", (m: FromWorker | { ready: true }) => {
      if (!("id" in m)) return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (w.timer) clearTimeout(w.timer);
      if (w.slow) clearTimeout(w.slow);
      if (w.niced) nice(this.tid, constants.priority.PRIORITY_NORMAL);
      w.resolve(m);
    });
    this.worker.on("error", (e: Error & { code?: string }) => {
      this.deathReason = e.code === "ERR_WORKER_OUT_OF_MEMORY" ? memoryError(heapMb) : e;
    });
    this.worker.on("exit", () => {
      this.dead = true;
      const reason = this.deathReason ?? new Error("the query engine worker stopped");
      for (const w of this.waiting.values()) {
        if (w.timer) clearTimeout(w.timer);
        if (w.slow) clearTimeout(w.slow);
        w.reject(reason);
      }
      this.waiting.clear();
      this.pool.onWorkerExit(this);
    });
  }

  post(m: ToWorker): void {
    if (!this.dead) this.worker.postMessage(m);
  }

  /** Send a request; with `deadline`, terminate the worker if it is still silent `graceMs` after it. */
  request(m: ToWorker & { id: number }, deadline?: number, graceMs = 1_000): Promise<FromWorker> {
    if (this.dead)
      return Promise.reject(this.deathReason ?? new Error("the query engine worker stopped"));
    return new Promise((resolve, reject) => {
      const entry: Waiting = { resolve, reject };
      if (deadline !== undefined) {
        entry.slow = setTimeout(
          () => (entry.niced = nice(this.tid, constants.priority.PRIORITY_LOW)),
          SLOW_MS,
        );
        const started = Date.now();
        entry.timer = setTimeout(
          () => {
            this.deathReason = timeoutError(Math.max(0, Math.round(deadline - started)));
            void this.worker.terminate();
          },
          Math.max(0, deadline - Date.now()) + graceMs,
        );
      }
      this.waiting.set(m.id, entry);
      this.worker.postMessage(m);
    });
  }

  nextId(): number {
    return ++this.seq;
  }
}

function unwrap(m: FromWorker): Extract<FromWorker, { ok: true }> {
  if (!m.ok) throw errorFromWire(m.error);
  return m;
}

export class EnginePool {
  private readonly workers = new Set<EngineWorker>();
  private readonly idle: EngineWorker[] = [];
  private readonly waiters: ((w: EngineWorker) => void)[] = [];
  /** Version of the last commit accepted (assigned in commit order). */
  private version = 0;
  /** Settles when every accepted commit is durable and sent to the workers. */
  private durable: Promise<void> = Promise.resolve();
  private closed = false;
  private starting = 0;
  private unspawned = 0;
  private readonly warmups: Promise<void>[] = [];
  private readonly opts: Required<Omit<EnginePoolOptions, "persist" | "limits">> & {
    limits: WorkerLimits;
  };

  constructor(
    private db: CypherDatabase,
    private readonly options: EnginePoolOptions = {},
  ) {
    this.opts = {
      minWorkers: options.minWorkers ?? 3,
      maxWorkers: Math.max(options.maxWorkers ?? 6, options.minWorkers ?? 3),
      heapMb: options.heapMb ?? 1024,
      graceMs: options.graceMs ?? 1_000,
      acquireTimeoutMs: options.acquireTimeoutMs ?? 10_000,
      log: options.log ?? (() => {}),
      limits: {
        maxRows: options.limits?.maxRows ?? 100_000,
        maxResultBytes: options.limits?.maxResultBytes ?? 16_000_000,
      },
    };
    for (let i = 0; i < this.opts.minWorkers; i++) this.warmups.push(this.warm());
  }

  /** Start a worker and offer it only once it has loaded: a query must never wait for a start. */
  private warm(): Promise<void> {
    this.starting++;
    this.unspawned++;
    return workerEntry().then((entry) => {
      this.unspawned--;
      if (this.closed) {
        this.starting--;
        return;
      }
      const w = this.spawn(entry);
      return w.ready.then(
        () => {
          this.starting--;
          this.release(w);
        },
        () => {
          this.starting--;
        },
      );
    });
  }

  /** Workers running or about to start. */
  private get total(): number {
    return this.workers.size + this.unspawned;
  }

  /** Resolves when the warm workers have loaded the graph (tests, benchmarks). */
  async ready(): Promise<void> {
    await Promise.all(this.warmups);
  }

  private spawn(entry: WorkerEntry): EngineWorker {
    const w = new EngineWorker(this, this.opts.limits, this.opts.heapMb, entry);
    this.workers.add(w);
    w.post({
      t: "load",
      graph: graphAsDelta(this.db.graph),
      procedures: this.db.procedures.list(),
      version: this.version,
    });
    return w;
  }

  onWorkerExit(w: EngineWorker): void {
    this.workers.delete(w);
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.closed) return;
    // keep the warm minimum, and serve whoever is queued
    while (
      this.total < this.opts.minWorkers ||
      (this.waiters.length > this.starting && this.total < this.opts.maxWorkers)
    )
      void this.warm();
  }

  private async acquire(): Promise<EngineWorker> {
    if (this.closed) throw new Error("the Bolt server is closing");
    const w = this.idle.pop();
    // starting a worker takes seconds: keep one warm spare while below the maximum
    if (this.idle.length + this.starting === 0 && this.total < this.opts.maxWorkers)
      void this.warm();
    if (w) return w;
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const waiter = (x: EngineWorker): void => {
        clearTimeout(timer);
        resolve(x);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(busyError(Date.now() - started));
      }, this.opts.acquireTimeoutMs);
      this.waiters.push(waiter);
    });
  }

  private release(w: EngineWorker): void {
    if (w.dead) return;
    const next = this.waiters.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  /**
   * Accept or refuse a prepared write. Accepted: it becomes the next version at once (later
   * commits are checked against it), and is acknowledged once durable and sent to the replicas.
   */
  private async commitDelta(
    from: EngineWorker,
    startVersion: number,
    delta: GraphDelta,
  ): Promise<boolean> {
    if (startVersion !== this.version) return false;
    const version = ++this.version;
    this.db.graph.applyDelta(delta);
    this.db.version++;
    const persist = this.options.persist;
    const step = this.durable.then(async () => {
      try {
        if (persist) await persist(version, delta);
      } finally {
        // the replicas must follow the authoritative graph even if saving failed
        for (const w of this.workers) if (w !== from) w.post({ t: "delta", delta, version });
      }
    });
    this.durable = step.catch(() => {});
    try {
      await step;
    } catch (e) {
      this.opts.log(
        `cypher: commit ${version} could not be saved: ${e instanceof Error ? e.message : String(e)}`,
      );
      throw e;
    } finally {
      await unwrapFinal(from, { t: "finalize", id: from.nextId(), commit: true, version });
    }
    return true;
  }

  /** One auto-commit query: its writes commit only if it completes; lost races are re-run. */
  async autoCommit(
    query: string,
    params: Map<string, CypherValue>,
    deadline: number,
  ): Promise<QueryResult> {
    const w = await this.acquire();
    try {
      for (let attempt = 0; ; attempt++) {
        const r = unwrap(
          await w.request(
            { t: "run", id: w.nextId(), query, params, deadline, auto: true },
            deadline,
            this.opts.graceMs,
          ),
        );
        if (!r.delta) return r.result!;
        if (await this.commitDelta(w, r.startVersion, r.delta)) return r.result!;
        await unwrapFinal(w, { t: "finalize", id: w.nextId(), commit: false, version: 0 });
        if (attempt >= AUTO_COMMIT_ATTEMPTS || Date.now() > deadline) throw conflictError();
        // the winner's delta reaches this worker before the re-run
        await this.durable;
      }
    } finally {
      this.release(w);
    }
  }

  async begin(): Promise<AsyncTransaction> {
    const w = await this.acquire();
    try {
      unwrap(await w.request({ t: "begin", id: w.nextId() }));
    } catch (e) {
      this.release(w);
      throw e;
    }
    let open = true;
    let chain: Promise<unknown> = Promise.resolve();
    // a closing connection may roll back while a statement still runs: keep the worker's order
    const serial = <T>(f: () => Promise<T>): Promise<T> => {
      const p = chain.then(f, f);
      chain = p.catch(() => {});
      return p;
    };
    const finish = (): void => {
      if (!open) return;
      open = false;
      this.release(w);
    };
    return {
      inWorker: true,
      get open() {
        return open;
      },
      run: (query, params, deadline) =>
        serial(async () => {
          if (!open) throw new Error("the transaction is closed");
          return unwrap(
            await w.request(
              { t: "run", id: w.nextId(), query, params, deadline, auto: false },
              deadline,
              this.opts.graceMs,
            ),
          ).result!;
        }),
      commit: () =>
        serial(async () => {
          try {
            const r = unwrap(await w.request({ t: "prepare", id: w.nextId() }));
            if (!r.delta) return;
            if (!(await this.commitDelta(w, r.startVersion, r.delta))) {
              await unwrapFinal(w, { t: "finalize", id: w.nextId(), commit: false, version: 0 });
              throw conflictError();
            }
          } finally {
            finish();
          }
        }),
      rollback: () =>
        serial(async () => {
          if (!open) return;
          try {
            if (!w.dead) unwrap(await w.request({ t: "rollback", id: w.nextId() }));
          } finally {
            finish();
          }
        }),
    };
  }

  get committedVersion(): number {
    return this.version;
  }

  /** The served graph changed in this thread: reload every worker (and fail transactions begun before). */
  resync(): void {
    const version = ++this.version;
    for (const w of this.workers)
      w.post({
        t: "load",
        graph: graphAsDelta(this.db.graph),
        procedures: this.db.procedures.list(),
        version,
      });
  }

  /** Serve another database from now on (tests and the TCK reset the graph this way). */
  replace(db: CypherDatabase): void {
    this.db = db;
    this.version = 0;
    this.durable = Promise.resolve();
    for (const w of this.workers)
      w.post({
        t: "load",
        graph: graphAsDelta(db.graph),
        procedures: db.procedures.list(),
        version: 0,
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.durable;
    await Promise.all([...this.workers].map((w) => w.worker.terminate()));
  }
}

async function unwrapFinal(w: EngineWorker, m: ToWorker & { id: number }): Promise<void> {
  if (w.dead) return;
  try {
    unwrap(await w.request(m));
  } catch {
    // a dead worker has nothing left to finalize
  }
}
