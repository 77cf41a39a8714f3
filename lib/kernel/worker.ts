/// <reference lib="webworker" />
/**
 * The kernel worker: one per open lesson. Receives zod-checked messages, runs cells one at a
 * time through the shared executor and streams batched outputs back. Everything heavy
 * (TensorFlow.js, wasm) lives here, off the page's main thread.
 */
// First: tfjs captures requestAnimationFrame when it loads, and in a worker that rAF costs
// ~16 ms per model.fit yield (see fast-rnn/fast-frames.ts). Must precede the tfjs import.
import "./fast-rnn/fast-frames-install";
import * as tf from "@tensorflow/tfjs";
import type { CellOutput } from "@/lib/notebook/types";
import { startBackend } from "./backends";
import { CellExecutor } from "./executor";
import { applyFastRnn } from "./fast-rnn-seam";
import { InterruptFlag } from "./interrupt";
import { parseMainToWorker, type MainToWorker, type WorkerToMain } from "./protocol";

const ctx = self as unknown as DedicatedWorkerGlobalScope;
const MEMORY_INTERVAL_MS = 500;
let lastMemoryPost = 0;
/** Remembered from init so a later switch to wasm finds the binaries. */
let wasmPath: string | undefined;
let wasmThreads = 0;

function post(message: WorkerToMain): void {
  ctx.postMessage(message);
}

function sendOutputs(runId: string, outputs: CellOutput[]): void {
  try {
    post({ type: "outputs", runId, outputs });
  } catch (err) {
    // e.g. a function inside a plot layout cannot be cloned: say so instead of losing the batch.
    const text = `An output could not be sent to the page: ${err instanceof Error ? err.message : String(err)}`;
    post({ type: "outputs", runId, outputs: [{ type: "text", stream: "stderr", text }] });
  }
  const now = performance.now();
  if (now - lastMemoryPost >= MEMORY_INTERVAL_MS) {
    lastMemoryPost = now;
    post({ type: "memory", memory: executor.memory() });
  }
}

const executor = new CellExecutor(tf, sendOutputs);

// tfjs itself prints through the global console (model.summary(), warnings): route it to the cell.
const originalConsole = { ...console };
for (const method of ["log", "info", "debug", "warn", "error"] as const) {
  console[method] = (...args: unknown[]) => {
    if (executor.running) executor.api.console[method](...args);
    else originalConsole[method](...args);
  };
}

ctx.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  executor.reportUncaught(event.reason, "rejection");
});
ctx.addEventListener("error", (event) => {
  event.preventDefault();
  executor.reportUncaught(event.error ?? event.message, "error");
});

async function handle(message: MainToWorker): Promise<void> {
  switch (message.type) {
    case "init": {
      wasmPath = message.wasmPath;
      wasmThreads = message.wasmThreads ?? 0;
      executor.drawSync.enabled = message.drawAcks === true;
      // Set before the backend loads: a run can only be interrupted once the page has the flag.
      executor.interruptFlag = message.interruptBuffer
        ? new InterruptFlag(message.interruptBuffer)
        : null;
      const choice = await startBackend(tf, message.backend, { wasmPath, wasmThreads });
      const fast = await applyFastRnn(tf, message.fastRnn);
      const notice = [choice.notice, fast.notice].filter(Boolean).join(" ");
      post({
        type: "ready",
        backend: choice.backend,
        ...(notice ? { notice } : {}),
        memory: executor.memory(),
      });
      return;
    }
    case "set-backend": {
      const choice = await startBackend(
        tf,
        message.backend,
        wasmPath ? { wasmPath, wasmThreads } : {},
      );
      post({
        type: "ready",
        backend: choice.backend,
        ...(choice.notice ? { notice: choice.notice } : {}),
        memory: executor.memory(),
      });
      return;
    }
    case "run": {
      const result = await executor.run(message);
      post({
        type: "done",
        runId: message.runId,
        status: result.status,
        ...(result.error ? { error: result.error } : {}),
        durationMs: result.durationMs,
        memory: result.memory,
        leakedTensors: result.leakedTensors,
      });
      if (result.fatal) post({ type: "fatal", message: result.fatal });
      return;
    }
    case "plot-drawn":
      executor.drawSync.drawn(message.plotId);
      return;
  }
}

let queue: Promise<void> = Promise.resolve();
ctx.addEventListener("message", (event: MessageEvent<unknown>) => {
  const parsed = parseMainToWorker(event.data);
  if (!parsed.ok) {
    originalConsole.error(`kernel worker: ignoring a malformed message: ${parsed.error}`);
    return;
  }
  // Not queued: a training run waits for it.
  if (parsed.message.type === "plot-drawn") {
    void handle(parsed.message);
    return;
  }
  queue = queue
    .then(() => handle(parsed.message))
    .catch((err: unknown) =>
      post({ type: "fatal", message: err instanceof Error ? err.message : String(err) }),
    );
});
