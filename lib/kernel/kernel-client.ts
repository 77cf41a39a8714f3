/**
 * The page's handle on one kernel worker: starts it, queues cell runs, streams outputs to the
 * cell that asked, and keeps a subscribable status snapshot (status, backend, memory, leaks).
 * Interrupt sets the flag shared with the worker (interrupt.ts): the cell stops at its next check
 * and every name survives. Only when the cell does not stop within INTERRUPT_GRACE_MS, or the
 * page is not cross-origin isolated (no shared memory), is the worker terminated and a fresh one
 * started, as after a crash; the cell is told which happened and the page never goes down.
 */
import type { CellOutput, CodeMarker, RunOutcome } from "@/lib/notebook/types";
import { InterruptFlag } from "./interrupt";
import {
  parseWorkerToMain,
  type Backend,
  type MainToWorker,
  type MemoryInfo,
  type WorkerToMain,
} from "./protocol";

export type KernelStatus = "off" | "starting" | "idle" | "busy";

export interface KernelSnapshot {
  status: KernelStatus;
  /** Backend the worker is using (null until it is ready). */
  backend: Backend | null;
  /** Backend the learner asked for. */
  requestedBackend: Backend;
  memory: MemoryInfo | null;
  /** Set when the last run left tensors no variable refers to. */
  leak: { cellId: string; tensors: number } | null;
  /** A message for the learner: backend fallback, restart reason, start failure. */
  notice: string | null;
  fastRnn: boolean;
  /** Workers started so far: grows by one at every restart (tests read it to tell). */
  workerStarts: number;
}

export interface KernelRunInput {
  cellId: string;
  code: string;
  previousCells: { id: string; code: string }[];
}

export interface KernelClientOptions {
  backend?: Backend;
  fastRnn?: boolean;
  /** Where /tfjs/*.wasm are served (default "/tfjs/"). */
  wasmPath?: string;
  /** Threads for the wasm backend (see the init message); the notebook leaves it unset. */
  wasmThreads?: number;
  /** Overrides how the worker is created (the benchmark page loads a prebuilt bundle). */
  createWorker?: () => Worker;
}

interface Job {
  runId: string;
  input: KernelRunInput;
  emit: (output: CellOutput) => void;
  resolve: (outcome: RunOutcome) => void;
  startedAt: number;
  cleanup: () => void;
}

const RESTART_NOTE = "Names defined by earlier cells are gone: run them again.";

/** How long an interrupted cell has to reach a check before the worker is terminated. */
const INTERRUPT_GRACE_MS = 2000;

function defaultWorker(): Worker {
  // This exact shape lets Next's bundlers (Turbopack and webpack) emit the worker as its own chunk.
  return new Worker(new URL("./worker.ts", import.meta.url), {
    type: "module",
    name: "tfjs-kernel",
  });
}

let runCounter = 0;

export class KernelClient {
  private worker: Worker | null = null;
  private readonly listeners = new Set<() => void>();
  private snapshot: KernelSnapshot;
  private queue: Job[] = [];
  private active: Job | null = null;
  /** Emitters of finished runs, for outputs from callbacks that fire after a cell finished. */
  private readonly recent = new Map<string, (o: CellOutput) => void>();
  /** The current notice only explains a restart: cleared once the next run starts. */
  private noticeIsRestart = false;
  private readonly wasmPath: string;
  private readonly wasmThreads: number;
  private readonly createWorker: () => Worker;
  /** Shared with the current worker; null where the page has no shared memory. */
  private interruptFlag: InterruptFlag | null = null;
  /** Runs out when an interrupted cell has not stopped: then the worker is terminated. */
  private graceTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: KernelClientOptions = {}) {
    this.wasmPath = options.wasmPath ?? "/tfjs/";
    this.wasmThreads = options.wasmThreads ?? 0;
    this.createWorker = options.createWorker ?? defaultWorker;
    this.snapshot = {
      status: "off",
      backend: null,
      requestedBackend: options.backend ?? "wasm",
      memory: null,
      leak: null,
      notice: null,
      fastRnn: options.fastRnn ?? true,
      workerStarts: 0,
    };
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): KernelSnapshot => this.snapshot;

  private update(patch: Partial<KernelSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  /** Starts the worker if it is not running. Cheap to call repeatedly. */
  start(): void {
    if (this.worker) return;
    let worker: Worker;
    try {
      worker = this.createWorker();
    } catch (err) {
      this.update({
        status: "off",
        notice: `The kernel could not start: ${err instanceof Error ? err.message : String(err)}`,
      });
      return;
    }
    this.worker = worker;
    this.interruptFlag = InterruptFlag.create();
    this.update({
      status: "starting",
      backend: null,
      workerStarts: this.snapshot.workerStarts + 1,
    });
    worker.addEventListener("message", (e: MessageEvent<unknown>) => {
      if (this.worker !== worker) return;
      const parsed = parseWorkerToMain(e.data);
      if (parsed.ok) this.onMessage(parsed.message);
      else console.warn(`kernel: ignoring a malformed worker message: ${parsed.error}`);
    });
    worker.addEventListener("error", (e: ErrorEvent) => {
      if (this.worker !== worker) return;
      e.preventDefault();
      this.crash(e.message || "the worker failed");
    });
    this.send({
      type: "init",
      backend: this.snapshot.requestedBackend,
      fastRnn: this.snapshot.fastRnn,
      wasmPath: this.wasmPath,
      ...(this.wasmThreads > 0 ? { wasmThreads: this.wasmThreads } : {}),
      drawAcks: true,
      ...(this.interruptFlag ? { interruptBuffer: this.interruptFlag.buffer } : {}),
    });
  }

  /** A plot output finished drawing: a training loop in the worker may be waiting for it. */
  plotDrawn(plotId: string): void {
    this.send({ type: "plot-drawn", plotId });
  }

  private send(message: MainToWorker): void {
    this.worker?.postMessage(message);
  }

  private onMessage(message: WorkerToMain): void {
    switch (message.type) {
      case "ready":
        if (message.notice) this.noticeIsRestart = false;
        this.update({
          status: this.active ? "busy" : "idle",
          backend: message.backend,
          memory: message.memory,
          notice: message.notice ?? this.snapshot.notice,
        });
        this.pump();
        return;
      case "outputs": {
        const emit =
          this.active?.runId === message.runId ? this.active.emit : this.recent.get(message.runId);
        if (emit) for (const o of message.outputs) emit(o);
        return;
      }
      case "memory":
        this.update({ memory: message.memory });
        return;
      case "done": {
        const job = this.active;
        if (!job || job.runId !== message.runId) return;
        this.clearGraceTimer();
        this.finish(job);
        const markers: CodeMarker[] =
          message.error?.line !== undefined
            ? [
                {
                  line: message.error.line,
                  ...(message.error.column !== undefined ? { column: message.error.column } : {}),
                  message: `${message.error.name}: ${message.error.message}`,
                },
              ]
            : [];
        this.update({
          status: "idle",
          memory: message.memory,
          leak:
            message.leakedTensors > 0
              ? { cellId: job.input.cellId, tensors: message.leakedTensors }
              : null,
        });
        job.resolve(
          message.status === "error"
            ? {
                status: "error",
                durationMs: message.durationMs,
                ...(markers.length ? { markers } : {}),
              }
            : { status: message.status, durationMs: message.durationMs },
        );
        this.pump();
        return;
      }
      case "fatal":
        this.crash(message.message);
        return;
    }
  }

  private finish(job: Job): void {
    job.cleanup();
    if (this.active === job) this.active = null;
    this.recent.set(job.runId, job.emit);
    if (this.recent.size > 20) this.recent.delete(this.recent.keys().next().value as string);
  }

  private pump(): void {
    if (
      this.active ||
      !this.worker ||
      this.snapshot.status === "starting" ||
      this.snapshot.status === "off"
    )
      return;
    const job = this.queue.shift();
    if (!job) return;
    this.active = job;
    job.startedAt = performance.now();
    // Sticky until now, so leftovers of an interrupted run (timers, an unawaited fit) stop too.
    this.interruptFlag?.clear();
    if (this.noticeIsRestart) {
      this.noticeIsRestart = false;
      this.update({ status: "busy", notice: null });
    } else {
      this.update({ status: "busy" });
    }
    this.send({
      type: "run",
      runId: job.runId,
      cellId: job.input.cellId,
      code: job.input.code,
      previousCells: job.input.previousCells,
    });
  }

  run(
    input: KernelRunInput,
    emit: (output: CellOutput) => void,
    signal?: AbortSignal,
  ): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve) => {
      if (signal?.aborted) {
        resolve({ status: "interrupted", durationMs: 0 });
        return;
      }
      runCounter += 1;
      const onAbort = () => this.abortJob(job);
      const job: Job = {
        runId: `run-${runCounter}-${Date.now().toString(36)}`,
        input,
        emit,
        resolve,
        startedAt: performance.now(),
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(job);
      this.start();
      this.pump();
    });
  }

  private abortJob(job: Job): void {
    if (this.active === job) {
      this.interrupt();
      return;
    }
    const i = this.queue.indexOf(job);
    if (i < 0) return;
    this.queue.splice(i, 1);
    job.cleanup();
    job.resolve({ status: "interrupted", durationMs: 0 });
  }

  /**
   * Stops the running cell and cancels queued ones. With shared memory the cell stops at its
   * next check and the kernel keeps its names; otherwise, or when the cell does not stop within
   * the grace period, the worker is terminated and a fresh kernel started.
   */
  interrupt(): void {
    const job = this.active;
    if (!job) return;
    const flag = this.interruptFlag;
    if (!flag) {
      this.stopAndRestart(
        {
          type: "text",
          stream: "info",
          text: `Interrupted: the kernel was stopped and restarted (this page has no shared memory, so the cell could not be stopped in place). ${RESTART_NOTE}`,
        },
        "interrupted",
        "The kernel was restarted after an interrupt.",
      );
      return;
    }
    if (this.graceTimer) return;
    flag.request();
    this.failQueue("Not run: an earlier cell was interrupted.");
    this.graceTimer = setTimeout(() => {
      this.graceTimer = null;
      if (this.active !== job) return;
      const seconds = INTERRUPT_GRACE_MS / 1000;
      this.stopAndRestart(
        {
          type: "text",
          stream: "info",
          text: `Interrupted: the cell did not stop within ${seconds} s (it was inside one long operation, such as a big tensor op), so the kernel was stopped and restarted. ${RESTART_NOTE}`,
        },
        "interrupted",
        "The kernel was restarted after an interrupt.",
      );
    }, INTERRUPT_GRACE_MS);
  }

  private clearGraceTimer(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }

  /** Restarts the kernel; running and queued cells are stopped. */
  restart(): void {
    this.stopAndRestart(
      { type: "text", stream: "info", text: `The kernel was restarted. ${RESTART_NOTE}` },
      "interrupted",
      null,
    );
  }

  private crash(reason: string): void {
    const startingUp = this.snapshot.status === "starting";
    if (startingUp && !this.active) {
      this.terminate();
      this.update({ status: "off", notice: `The kernel could not start: ${reason}` });
      this.failQueue(`The kernel could not start: ${reason}`);
      return;
    }
    const message = `The kernel stopped (${reason}) — most likely it ran out of memory — and was restarted. ${RESTART_NOTE}`;
    const last = this.active ?? null;
    if (!last) {
      // A fatal after the run finished (the engine is unusable): tell the last cell too.
      const emit = [...this.recent.values()].at(-1);
      emit?.({ type: "text", stream: "info", text: message });
    }
    this.stopAndRestart({ type: "error", name: "KernelCrash", message }, "error", message);
  }

  private stopAndRestart(
    activeOutput: CellOutput,
    activeStatus: "interrupted" | "error",
    notice: string | null,
  ): void {
    const active = this.active;
    this.terminate();
    if (active) {
      this.finish(active);
      active.emit(activeOutput);
      active.resolve({
        status: activeStatus,
        durationMs: performance.now() - active.startedAt,
      } as RunOutcome);
    }
    this.failQueue("Not run: the kernel was restarted before this cell's turn.");
    this.noticeIsRestart = notice !== null;
    this.update({ leak: null, memory: null, notice });
    this.start();
  }

  private failQueue(text: string): void {
    const queued = this.queue;
    this.queue = [];
    for (const job of queued) {
      job.cleanup();
      job.emit({ type: "text", stream: "info", text });
      job.resolve({ status: "interrupted", durationMs: 0 });
    }
  }

  private terminate(): void {
    this.clearGraceTimer();
    this.worker?.terminate();
    this.worker = null;
    this.interruptFlag = null;
    this.active = null;
    this.update({ status: "off", backend: null });
  }

  /** Switches backend in place (variables survive); starts the kernel if needed. */
  setBackend(backend: Backend): void {
    this.update({ requestedBackend: backend, notice: null });
    if (!this.worker) return;
    if (this.snapshot.status === "busy" || this.snapshot.status === "starting") {
      // Applied after the current work: the worker handles messages in order.
      this.send({ type: "set-backend", backend });
      return;
    }
    this.update({ status: "starting" });
    this.send({ type: "set-backend", backend });
  }

  setFastRnn(enabled: boolean): void {
    this.update({ fastRnn: enabled });
  }

  dispose(): void {
    this.failQueue("Not run: the lesson was closed.");
    this.terminate();
    this.listeners.clear();
  }
}
