/**
 * The page's handle on one kernel worker: starts it, queues cell runs, streams outputs to the
 * cell that asked, and keeps a subscribable status snapshot (status, backend, memory, leaks).
 * Interrupting or a crash terminates the worker and starts a fresh one, telling the cell why;
 * the page itself never goes down with it.
 */
import type { CellOutput, CodeMarker, RunOutcome } from "@/lib/notebook/types";
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
  private readonly createWorker: () => Worker;

  constructor(options: KernelClientOptions = {}) {
    this.wasmPath = options.wasmPath ?? "/tfjs/";
    this.createWorker = options.createWorker ?? defaultWorker;
    this.snapshot = {
      status: "off",
      backend: null,
      requestedBackend: options.backend ?? "wasm",
      memory: null,
      leak: null,
      notice: null,
      fastRnn: options.fastRnn ?? true,
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
    this.update({ status: "starting", backend: null });
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
      drawAcks: true,
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
          message.status === "ok"
            ? { status: "ok", durationMs: message.durationMs }
            : {
                status: "error",
                durationMs: message.durationMs,
                ...(markers.length ? { markers } : {}),
              },
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

  /** Stops the running cell by terminating the worker, then starts a fresh kernel. */
  interrupt(): void {
    if (!this.active) return;
    this.stopAndRestart(
      {
        type: "text",
        stream: "info",
        text: `Interrupted: the kernel was stopped and restarted. ${RESTART_NOTE}`,
      },
      "interrupted",
      "The kernel was restarted after an interrupt.",
    );
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
    this.worker?.terminate();
    this.worker = null;
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
