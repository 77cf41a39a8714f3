// Body of the `npm run bench:fast-rnn -- --browser` worker (entries: worker.ts, worker-raf.ts): the
// reference task in Chromium on the wasm backend (SIMD, no threads — as the production kernel runs
// it), stock and fast, answering the page's request.
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { runDiagnostics } from "../fast-rnn-diagnostics";
import { timeReferenceTask, type BenchImpl } from "../fast-rnn-task";
import type { BenchModel } from "../reference-task";

interface Request {
  models: BenchModel[];
  impls: BenchImpl[];
  epochs: number;
}

// The page acknowledges each epoch mark after the bench process has read this thread's CPU time.
let acknowledge: (() => void) | null = null;
const epochMark = (phase: "begin" | "end") =>
  new Promise<void>((resolve) => {
    acknowledge = resolve;
    self.postMessage({ type: "mark", phase });
  });

self.onmessage = async (event: MessageEvent<Request | { type: "ack" }>) => {
  if ("type" in event.data) {
    acknowledge?.();
    return;
  }
  const { models, impls, epochs } = event.data;
  try {
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    setWasmPaths("/wasm/");
    await tf.setBackend("wasm");
    await tf.ready();
    const results: Record<string, Record<string, unknown>> = {};
    for (const model of models) {
      results[model] = {};
      for (const impl of impls)
        results[model]![impl] = await timeReferenceTask(tf, model, impl, epochs, { epochMark });
    }
    const diagnostics = await runDiagnostics(tf);
    self.postMessage({
      ok: true,
      backend: tf.getBackend(),
      userAgent: navigator.userAgent,
      results,
      diagnostics,
    });
  } catch (err) {
    self.postMessage({
      ok: false,
      error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err),
    });
  }
};
