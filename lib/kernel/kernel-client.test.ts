import { afterEach, describe, expect, it, vi } from "vitest";
import type { CellOutput } from "@/lib/notebook/types";
import { KernelClient } from "./kernel-client";
import { parseMainToWorker, type MainToWorker, type WorkerToMain } from "./protocol";

/** A stand-in worker: records what the client sends and lets the test answer. */
class FakeWorker {
  sent: MainToWorker[] = [];
  terminated = false;
  private listeners: Record<string, ((e: unknown) => void)[]> = {};
  postMessage(m: MainToWorker) {
    this.sent.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  addEventListener(type: string, fn: (e: unknown) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  reply(m: WorkerToMain | Record<string, unknown>) {
    for (const fn of this.listeners.message ?? []) fn({ data: m });
  }
  fail(message: string) {
    for (const fn of this.listeners.error ?? []) fn({ message, preventDefault() {} });
  }
  lastRun() {
    const run = [...this.sent].reverse().find((m) => m.type === "run");
    if (!run || run.type !== "run") throw new Error("no run sent");
    return run;
  }
}

const memory = { numTensors: 1, numBytes: 4 };

function setup() {
  const workers: FakeWorker[] = [];
  const kernel = new KernelClient({
    backend: "cpu",
    fastRnn: false,
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    },
  });
  return { kernel, workers };
}

const cell = (cellId: string) => ({ cellId, code: "1", previousCells: [] });

describe("KernelClient", () => {
  it("starts on the first run, waits for ready, then runs cells one at a time", async () => {
    const { kernel, workers } = setup();
    expect(kernel.getSnapshot().status).toBe("off");
    const outA: CellOutput[] = [];
    const a = kernel.run(cell("a"), (o) => outA.push(o));
    const b = kernel.run(cell("b"), () => {});
    const w = workers[0]!;
    expect(w.sent).toEqual([
      { type: "init", backend: "cpu", fastRnn: false, wasmPath: "/tfjs/", drawAcks: true },
    ]);
    expect(kernel.getSnapshot().status).toBe("starting");
    w.reply({ type: "ready", backend: "cpu", memory });
    expect(kernel.getSnapshot().status).toBe("busy");
    const runA = w.lastRun();
    expect(runA.cellId).toBe("a");
    w.reply({
      type: "outputs",
      runId: runA.runId,
      outputs: [{ type: "text", stream: "stdout", text: "hi" }],
    });
    w.reply({
      type: "done",
      runId: runA.runId,
      status: "error",
      error: { name: "TypeError", message: "x", line: 2, column: 3 },
      durationMs: 5,
      memory,
      leakedTensors: 2,
    });
    expect(await a).toEqual({
      status: "error",
      durationMs: 5,
      markers: [{ line: 2, column: 3, message: "TypeError: x" }],
    });
    expect(outA).toEqual([{ type: "text", stream: "stdout", text: "hi" }]);
    expect(kernel.getSnapshot().leak).toEqual({ cellId: "a", tensors: 2 });
    const runB = w.lastRun();
    expect(runB.cellId).toBe("b");
    w.reply({
      type: "done",
      runId: runB.runId,
      status: "ok",
      durationMs: 1,
      memory,
      leakedTensors: 0,
    });
    expect(await b).toEqual({ status: "ok", durationMs: 1 });
    expect(kernel.getSnapshot()).toMatchObject({
      status: "idle",
      leak: null,
      backend: "cpu",
      memory,
    });
  });

  it("interrupts by terminating the worker, restarting and cancelling queued cells", async () => {
    const { kernel, workers } = setup();
    const ctl = new AbortController();
    const outA: CellOutput[] = [];
    const outB: CellOutput[] = [];
    const a = kernel.run(cell("a"), (o) => outA.push(o), ctl.signal);
    const b = kernel.run(cell("b"), (o) => outB.push(o));
    workers[0]!.reply({ type: "ready", backend: "cpu", memory });
    ctl.abort();
    expect((await a).status).toBe("interrupted");
    expect((await b).status).toBe("interrupted");
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(outA[0]).toMatchObject({ type: "text", stream: "info" });
    expect(outA[0]?.type === "text" && outA[0].text).toMatch(/Interrupted/);
    expect(outB[0]?.type === "text" && outB[0].text).toMatch(/Not run/);
    expect(kernel.getSnapshot()).toMatchObject({
      status: "starting",
      notice: expect.stringMatching(/restarted/),
    });
    // The restart notice goes away with the next run.
    const c = kernel.run(cell("c"), () => {});
    workers[1]!.reply({ type: "ready", backend: "cpu", memory });
    expect(kernel.getSnapshot().notice).toBeNull();
    workers[1]!.reply({
      type: "done",
      runId: workers[1]!.lastRun().runId,
      status: "ok",
      durationMs: 1,
      memory,
      leakedTensors: 0,
    });
    expect((await c).status).toBe("ok");
  });

  it("cancels a queued cell without touching the running one", async () => {
    const { kernel, workers } = setup();
    const ctl = new AbortController();
    const a = kernel.run(cell("a"), () => {});
    const b = kernel.run(cell("b"), () => {}, ctl.signal);
    workers[0]!.reply({ type: "ready", backend: "cpu", memory });
    ctl.abort();
    expect((await b).status).toBe("interrupted");
    expect(workers[0]!.terminated).toBe(false);
    workers[0]!.reply({
      type: "done",
      runId: workers[0]!.lastRun().runId,
      status: "ok",
      durationMs: 1,
      memory,
      leakedTensors: 0,
    });
    expect((await a).status).toBe("ok");
  });

  it("restarts after a crash and tells the running cell", async () => {
    const { kernel, workers } = setup();
    const out: CellOutput[] = [];
    const a = kernel.run(cell("a"), (o) => out.push(o));
    workers[0]!.reply({ type: "ready", backend: "cpu", memory });
    workers[0]!.fail("Out of memory");
    expect((await a).status).toBe("error");
    expect(out[0]).toMatchObject({ type: "error", name: "KernelCrash" });
    expect(workers).toHaveLength(2);
    expect(kernel.getSnapshot().status).toBe("starting");
  });

  it("does not loop when the worker fails while starting", async () => {
    const { kernel, workers } = setup();
    const out: CellOutput[] = [];
    const a = kernel.run(cell("a"), (o) => out.push(o));
    workers[0]!.fail("chunk failed to load");
    expect((await a).status).toBe("interrupted");
    expect(workers).toHaveLength(1);
    expect(kernel.getSnapshot()).toMatchObject({
      status: "off",
      notice: expect.stringMatching(/could not start: chunk failed/),
    });
  });

  it("ignores malformed worker messages and reports backend fallbacks", () => {
    const { kernel, workers } = setup();
    kernel.start();
    workers[0]!.reply({ type: "ready", backend: "quantum", memory });
    expect(kernel.getSnapshot().status).toBe("starting");
    workers[0]!.reply({
      type: "ready",
      backend: "cpu",
      notice: "The webgpu backend could not start",
      memory,
    });
    expect(kernel.getSnapshot()).toMatchObject({
      status: "idle",
      backend: "cpu",
      notice: "The webgpu backend could not start",
    });
  });
});

describe("KernelClient interrupt on a cross-origin isolated page", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function isolatedSetup() {
    vi.stubGlobal("crossOriginIsolated", true);
    vi.useFakeTimers();
    const { kernel, workers } = setup();
    const ctl = new AbortController();
    const out: CellOutput[] = [];
    const a = kernel.run(cell("a"), (o) => out.push(o), ctl.signal);
    const queued = kernel.run(cell("b"), () => {});
    const w = workers[0]!;
    w.reply({ type: "ready", backend: "cpu", memory });
    const init = w.sent[0];
    if (init?.type !== "init" || !init.interruptBuffer) throw new Error("no interrupt buffer sent");
    const flag = new Int32Array(init.interruptBuffer);
    return { kernel, workers, ctl, out, a, queued, w, flag };
  }

  it("shares a flag with the worker, sets it on interrupt and keeps the kernel", async () => {
    const { kernel, workers, ctl, a, queued, w, flag } = isolatedSetup();
    expect(parseMainToWorker(w.sent[0]).ok).toBe(true);
    expect(Atomics.load(flag, 0)).toBe(0);
    ctl.abort();
    expect(Atomics.load(flag, 0)).toBe(1);
    expect(w.terminated).toBe(false);
    expect((await queued).status).toBe("interrupted");
    // The worker's cell reached a check and reports the interrupt.
    w.reply({
      type: "done",
      runId: w.lastRun().runId,
      status: "interrupted",
      durationMs: 3,
      memory,
      leakedTensors: 0,
    });
    expect(await a).toEqual({ status: "interrupted", durationMs: 3 });
    vi.advanceTimersByTime(5000);
    expect(w.terminated).toBe(false);
    expect(workers).toHaveLength(1);
    expect(kernel.getSnapshot()).toMatchObject({ status: "idle", notice: null, workerStarts: 1 });
    // The flag stays set until the next run is sent (leftover timers of the cell stop too).
    expect(Atomics.load(flag, 0)).toBe(1);
    const c = kernel.run(cell("c"), () => {});
    expect(Atomics.load(flag, 0)).toBe(0);
    expect(w.lastRun().cellId).toBe("c");
    w.reply({
      type: "done",
      runId: w.lastRun().runId,
      status: "ok",
      durationMs: 1,
      memory,
      leakedTensors: 0,
    });
    expect((await c).status).toBe("ok");
  });

  it("terminates and restarts the worker when the cell does not stop within the grace period", async () => {
    const { kernel, workers, ctl, out, a, w } = isolatedSetup();
    ctl.abort();
    vi.advanceTimersByTime(1900);
    expect(w.terminated).toBe(false);
    kernel.interrupt(); // a second click does not restart the grace period
    vi.advanceTimersByTime(200);
    expect(w.terminated).toBe(true);
    expect((await a).status).toBe("interrupted");
    expect(out.at(-1)?.type === "text" && out.at(-1)).toMatchObject({
      text: expect.stringMatching(/did not stop within 2 s.*stopped and restarted/),
    });
    expect(workers).toHaveLength(2);
    expect(kernel.getSnapshot()).toMatchObject({
      status: "starting",
      workerStarts: 2,
      notice: expect.stringMatching(/restarted after an interrupt/),
    });
    // The new worker gets a fresh flag.
    const init = workers[1]!.sent[0];
    expect(init?.type === "init" && init.interruptBuffer).toBeInstanceOf(SharedArrayBuffer);
    expect(init?.type === "init" && init.interruptBuffer).not.toBe(
      w.sent[0]?.type === "init" && w.sent[0].interruptBuffer,
    );
  });

  it("terminates at once where the page is not isolated (no shared memory)", async () => {
    vi.stubGlobal("crossOriginIsolated", false);
    const { kernel, workers } = setup();
    const out: CellOutput[] = [];
    const a = kernel.run(cell("a"), (o) => out.push(o));
    workers[0]!.reply({ type: "ready", backend: "cpu", memory });
    expect(workers[0]!.sent[0]).not.toHaveProperty("interruptBuffer");
    kernel.interrupt();
    expect(workers[0]!.terminated).toBe(true);
    expect((await a).status).toBe("interrupted");
    expect(out[0]?.type === "text" && out[0].text).toMatch(/no shared memory/);
  });
});
