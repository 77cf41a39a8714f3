/**
 * The kernel in Node, for the content checker and tests: the same executor, scope semantics
 * and output API as the browser worker, run in-process. `trainingScale` shortens every
 * `model.fit`/`fitDataset` (epochs × scale, at least 1) so checks of training lessons stay fast.
 * TensorFlow.js has one engine per process: run one Node kernel at a time.
 */
import * as tf from "@tensorflow/tfjs";
import { mergeOutputs } from "@/lib/notebook/outputs";
import type { CellOutput } from "@/lib/notebook/types";
import { startBackend } from "./backends";
import { CellExecutor } from "./executor";
import { applyFastRnn } from "./fast-rnn-seam";
import { InterruptFlag } from "./interrupt";
import type { CellError } from "./protocol";

export interface NodeKernelOptions {
  /** Default "wasm" (falls back to "cpu" with an info output on the first run). */
  backend?: "cpu" | "wasm";
  /** Multiplies the epochs of every `model.fit` (e.g. 0.1 → 20 epochs become 2). Default 1. */
  trainingScale?: number;
  /** Use the fast recurrent layers (default true), like the browser kernel. */
  fastRnn?: boolean;
}

export interface NodeRunResult {
  /** "interrupted": stopped by `interrupt()`; names defined so far are kept. */
  status: "ok" | "error" | "interrupted";
  /** Final outputs, merged by the notebook's one rule: what the browser cell would show. */
  outputs: CellOutput[];
  error?: CellError;
  durationMs: number;
  leakedTensors: number;
}

export interface NodeKernel {
  /** Runs a cell; `cellId` names it in error hints, `previousCells` lets a missing name point to its cell. */
  run(
    code: string,
    options?: { cellId?: string; previousCells?: { id: string; code: string }[] },
  ): Promise<NodeRunResult>;
  /**
   * Asks the running cell to stop at its next loop iteration, resumed await or training batch,
   * as the browser's Interrupt does. Cleared when the next run starts.
   */
  interrupt(): void;
  /** The flag's shared memory, for a test that sets it from another thread. */
  readonly interruptBuffer: SharedArrayBuffer;
  dispose(): void;
}

type FitArgs = { epochs?: number } | undefined;
type FitFn = (this: unknown, a: unknown, b?: unknown, c?: unknown) => Promise<unknown>;

function scaleEpochs(args: FitArgs, scale: number): FitArgs {
  if (!args || scale === 1) return args;
  return { ...args, epochs: Math.max(1, Math.round((args.epochs ?? 1) * scale)) };
}

/** Patches LayersModel.fit/fitDataset for the duration of one run; returns the undo. */
function patchTraining(scale: number): () => void {
  if (scale === 1) return () => {};
  const proto = tf.LayersModel.prototype as unknown as Record<"fit" | "fitDataset", FitFn>;
  const { fit, fitDataset } = proto;
  proto.fit = function (this: unknown, x: unknown, y?: unknown, args?: unknown) {
    return fit.call(this, x, y, scaleEpochs(args as FitArgs, scale));
  };
  proto.fitDataset = function (this: unknown, dataset: unknown, args?: unknown) {
    return fitDataset.call(this, dataset, scaleEpochs(args as FitArgs, scale));
  };
  return () => {
    proto.fit = fit;
    proto.fitDataset = fitDataset;
  };
}

export function createNodeKernel(options: NodeKernelOptions = {}): NodeKernel {
  const scale = options.trainingScale ?? 1;
  if (!(scale > 0)) throw new Error("trainingScale must be a positive number");
  let sink: CellOutput[] = [];
  const executor = new CellExecutor(
    tf,
    (_runId, outputs) => {
      sink = mergeOutputs(sink, outputs);
    },
    { intervalMs: 0 },
  );
  const interruptFlag = new InterruptFlag();
  executor.interruptFlag = interruptFlag;
  let notice: string | undefined;
  const ready = (async () => {
    const choice = await startBackend(tf, options.backend ?? "wasm");
    const fast = await applyFastRnn(tf, options.fastRnn ?? true);
    notice = [choice.notice, fast.notice].filter(Boolean).join(" ") || undefined;
  })();
  let counter = 0;

  return {
    async run(code, runOptions = {}) {
      await ready;
      interruptFlag.clear();
      sink = [];
      if (notice) {
        sink.push({ type: "text", stream: "info", text: notice });
        notice = undefined;
      }
      counter += 1;
      const saved = { ...console };
      for (const m of ["log", "info", "debug", "warn", "error"] as const)
        console[m] = executor.api.console[m];
      const onRejection = (reason: unknown) => executor.reportUncaught(reason, "rejection");
      process.on("unhandledRejection", onRejection);
      const undoPatch = patchTraining(scale);
      try {
        const result = await executor.run({
          runId: `node-${counter}`,
          cellId: runOptions.cellId ?? `cell-${counter}`,
          code,
          previousCells: runOptions.previousCells ?? [],
        });
        return {
          status: result.status,
          outputs: sink,
          ...(result.error ? { error: result.error } : {}),
          durationMs: result.durationMs,
          leakedTensors: result.leakedTensors,
        };
      } finally {
        undoPatch();
        process.off("unhandledRejection", onRejection);
        Object.assign(console, saved);
      }
    },
    interrupt() {
      interruptFlag.request();
    },
    interruptBuffer: interruptFlag.buffer,
    dispose() {
      for (const key of Object.keys(executor.scope)) {
        const v = executor.scope[key];
        try {
          if (v instanceof tf.Tensor) v.dispose();
          else if (v instanceof tf.LayersModel) v.dispose();
        } catch {
          // already disposed
        }
        delete executor.scope[key];
      }
    },
  };
}
