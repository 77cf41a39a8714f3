import { describe, expect, it } from "vitest";
import { createBuildQueue, QueueAbortedError, QueueFullError } from "./queue";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("build queue", () => {
  it("runs at most `concurrency` tasks and reports positions in order", async () => {
    const queue = createBuildQueue(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const positions: number[][] = [[], [], [], []];
    let active = 0;
    let peak = 0;
    const runs = gates.map((gate, i) =>
      queue.run(
        async () => {
          active += 1;
          peak = Math.max(peak, active);
          await gate.promise;
          active -= 1;
          return i;
        },
        { onPosition: (p) => positions[i]?.push(p), ticket: `ticket-${i}` },
      ),
    );
    expect(queue.running).toBe(2);
    expect(queue.waiting).toBe(2);
    expect(queue.positionOf("ticket-0")).toBe(0);
    expect(queue.positionOf("ticket-3")).toBe(2);
    gates[0]?.resolve();
    await runs[0];
    await Promise.resolve();
    expect(queue.positionOf("ticket-3")).toBe(1);
    gates.forEach((g) => g.resolve());
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
    expect(positions[0]).toEqual([0]);
    expect(positions[3]).toEqual([2, 1, 0]);
    expect(queue.positionOf("ticket-3")).toBeNull();
  });

  it("refuses when too many wait and lets a waiter cancel", async () => {
    const queue = createBuildQueue(1, 1);
    const gate = deferred();
    const first = queue.run(() => gate.promise);
    const controller = new AbortController();
    const second = queue.run(async () => "never", { signal: controller.signal });
    await expect(queue.run(async () => "x")).rejects.toBeInstanceOf(QueueFullError);
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(QueueAbortedError);
    expect(queue.waiting).toBe(0);
    gate.resolve();
    await first;
    expect(queue.running).toBe(0);
  });

  it("frees the slot when a task throws", async () => {
    const queue = createBuildQueue(1);
    await expect(queue.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await queue.run(async () => 42)).toBe(42);
  });
});
