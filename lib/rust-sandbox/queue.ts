/**
 * A small FIFO for builds: at most `concurrency` run at once (each build uses up to both cores
 * for a moment), the rest wait with a visible position. In-memory per server instance; with
 * several instances each has its own slots, which is the intent (builds use local CPU).
 */
import "server-only";

interface QueueOptions {
  /** Called with 1, 2, … while waiting, and 0 once the task starts. */
  onPosition?: (position: number) => void;
  signal?: AbortSignal;
  /** Lets other callers ask `positionOf(ticket)` (e.g. a polling client). */
  ticket?: string;
}

export class QueueFullError extends Error {
  constructor(max: number) {
    super(`the build queue is full (${max} waiting); try again in a moment`);
    this.name = "QueueFullError";
  }
}

export class QueueAbortedError extends Error {
  constructor() {
    super("cancelled while waiting for a build slot");
    this.name = "QueueAbortedError";
  }
}

interface Waiter {
  start: () => void;
  options: QueueOptions;
}

export interface BuildQueue {
  run<T>(task: () => Promise<T>, options?: QueueOptions): Promise<T>;
  /** 0 = running, n ≥ 1 = n-th in line, null = unknown or finished. */
  positionOf(ticket: string): number | null;
  readonly running: number;
  readonly waiting: number;
}

export function createBuildQueue(concurrency = 2, maxWaiting = 20): BuildQueue {
  let running = 0;
  const waiters: Waiter[] = [];
  const runningTickets = new Set<string>();

  const announce = () => waiters.forEach((w, index) => w.options.onPosition?.(index + 1));

  const next = () => {
    while (running < concurrency && waiters.length > 0) {
      const waiter = waiters.shift();
      waiter?.start();
    }
    announce();
  };

  return {
    get running() {
      return running;
    },
    get waiting() {
      return waiters.length;
    },
    positionOf(ticket) {
      if (runningTickets.has(ticket)) return 0;
      const index = waiters.findIndex((w) => w.options.ticket === ticket);
      return index === -1 ? null : index + 1;
    },
    run<T>(task: () => Promise<T>, options: QueueOptions = {}): Promise<T> {
      if (options.signal?.aborted) return Promise.reject(new QueueAbortedError());
      if (running >= concurrency && waiters.length >= maxWaiting)
        return Promise.reject(new QueueFullError(maxWaiting));
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter = {
          options,
          start: () => {
            options.signal?.removeEventListener("abort", onAbort);
            running += 1;
            if (options.ticket) runningTickets.add(options.ticket);
            options.onPosition?.(0);
            // Free the slot before settling, so a caller that awaited the task sees it free.
            const release = () => {
              running -= 1;
              if (options.ticket) runningTickets.delete(options.ticket);
              next();
            };
            task().then(
              (value) => {
                release();
                resolve(value);
              },
              (error: unknown) => {
                release();
                reject(error);
              },
            );
          },
        };
        const onAbort = () => {
          const index = waiters.indexOf(waiter);
          if (index !== -1) {
            waiters.splice(index, 1);
            announce();
            reject(new QueueAbortedError());
          }
        };
        options.signal?.addEventListener("abort", onAbort, { once: true });
        waiters.push(waiter);
        next();
      });
    },
  };
}
