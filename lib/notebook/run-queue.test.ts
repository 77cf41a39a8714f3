import { describe, expect, it } from "vitest";
import { createRunQueue } from "./run-queue";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function harness() {
  const log: string[] = [];
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const signals = new Map<string, AbortSignal>();
  const queue = createRunQueue({
    queued: (id) => log.push(`queued ${id}`),
    cancelled: () => log.push("cancelled"),
    async execute(id, signal) {
      log.push(`start ${id}`);
      signals.set(id, signal);
      const gate = deferred();
      gates.set(id, gate);
      await gate.promise;
      log.push(`end ${id}`);
    },
  });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { log, gates, signals, queue, settle };
}

describe("the run queue", () => {
  it("runs cells one at a time, in the order asked", async () => {
    const { log, gates, queue, settle } = harness();
    queue.enqueue(["a", "b"]);
    queue.enqueue(["c"]);
    await settle();
    expect(log).toEqual(["queued a", "queued b", "queued c", "start a"]);
    gates.get("a")?.resolve();
    await settle();
    gates.get("b")?.resolve();
    await settle();
    gates.get("c")?.resolve();
    await settle();
    expect(log.slice(4)).toEqual(["end a", "start b", "end b", "start c", "end c"]);
  });

  it("stop aborts the running cell and drops the queued ones; later runs still go", async () => {
    const { log, gates, signals, queue, settle } = harness();
    queue.enqueue(["a", "b"]);
    await settle();
    queue.stop();
    expect(signals.get("a")?.aborted).toBe(true);
    gates.get("a")?.resolve();
    await settle();
    expect(log).not.toContain("start b");
    queue.enqueue(["c"]);
    await settle();
    expect(log.at(-1)).toBe("start c");
    expect(signals.get("c")?.aborted).toBe(false);
  });

  it("keeps going after a cell whose run throws", async () => {
    const ran: string[] = [];
    const queue = createRunQueue({
      queued: () => {},
      cancelled: () => {},
      async execute(id) {
        ran.push(id);
        if (id === "bad") throw new Error("boom");
      },
    });
    const error = console.error;
    console.error = () => {};
    try {
      queue.enqueue(["bad", "good"]);
      await new Promise((r) => setTimeout(r, 0));
    } finally {
      console.error = error;
    }
    expect(ran).toEqual(["bad", "good"]);
  });
});
