/**
 * Runs cells one at a time, in the order asked. Stopping aborts the running cell and drops
 * every queued one, including those whose turn had not come yet when stop was asked.
 */
export interface RunQueue {
  enqueue(ids: readonly string[]): void;
  stop(): void;
}

export interface RunQueueHooks {
  /** A cell joined the queue. */
  queued(id: string): void;
  /** Stop was asked: the queued cells are dropped. */
  cancelled(): void;
  /** Runs one cell; `signal` aborts when stop is asked while it runs. */
  execute(id: string, signal: AbortSignal): Promise<void>;
}

export function createRunQueue(hooks: RunQueueHooks): RunQueue {
  let chain: Promise<void> = Promise.resolve();
  let generation = 0;
  let running: AbortController | null = null;
  return {
    enqueue(ids) {
      const asked = generation;
      for (const id of ids) {
        hooks.queued(id);
        chain = chain
          .then(async () => {
            if (asked !== generation) return;
            const controller = new AbortController();
            running = controller;
            try {
              await hooks.execute(id, controller.signal);
            } finally {
              if (running === controller) running = null;
            }
          })
          // One cell's failure must not stop the ones queued after it.
          .catch((error: unknown) =>
            console.error(`[notebook] running cell "${id}" failed:`, error),
          );
      }
    },
    stop() {
      generation += 1;
      hooks.cancelled();
      running?.abort();
    },
  };
}
