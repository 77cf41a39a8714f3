/**
 * Browser side of `npm run bench:train`: drives the production KernelClient and worker bundle
 * and returns the timing the reference cells print. Also counts main-thread long tasks while
 * training (the page must stay responsive).
 */
import type { CellOutput } from "@/lib/notebook/types";
import { KernelClient } from "@/lib/kernel/kernel-client";
import type { Backend } from "@/lib/kernel/protocol";
import { dataCell, trainCell, type BenchModel } from "./reference-task";

export interface BenchRequest {
  model: BenchModel;
  backend: Backend;
  fastRnn: boolean;
  epochs: number;
  /** > 0: tfjs's threaded wasm build with this many threads (the bench page is isolated). */
  wasmThreads: number;
}

export interface BenchResponse {
  ok: boolean;
  secPerEpoch?: number;
  epochSeconds?: number[];
  finalLoss?: number;
  backend?: string;
  longTasks: number;
  longestTaskMs: number;
  error?: string;
}

async function runBench(req: BenchRequest): Promise<BenchResponse> {
  const kernel = new KernelClient({
    backend: req.backend,
    fastRnn: req.fastRnn,
    wasmPath: "/tfjs/",
    wasmThreads: req.wasmThreads,
    createWorker: () => new Worker("/worker.js", { type: "module" }),
  });
  const outputs: CellOutput[] = [];
  const emit = (o: CellOutput) => outputs.push(o);
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  try {
    observer.observe({ type: "longtask", buffered: false });
  } catch {
    // longtask entries unsupported: report zero
  }
  try {
    const data = await kernel.run({ cellId: "data", code: dataCell(), previousCells: [] }, emit);
    if (data.status !== "ok") throw new Error(`data cell: ${JSON.stringify(outputs)}`);
    const train = await kernel.run(
      { cellId: "train", code: trainCell(req.model, req.epochs), previousCells: [] },
      emit,
    );
    if (train.status !== "ok")
      throw new Error(
        `train cell: ${JSON.stringify(outputs.filter((o) => o.type !== "progress"))}`,
      );
    const line = outputs
      .flatMap((o) => (o.type === "text" ? o.text.split("\n") : []))
      .find((l) => l.startsWith("BENCH "));
    if (!line) throw new Error("no BENCH line in the outputs");
    const parsed = JSON.parse(line.slice(6)) as {
      secPerEpoch: number;
      epochSeconds: number[];
      finalLoss: number;
      backend: string;
    };
    return {
      ok: true,
      ...parsed,
      longTasks: longTasks.length,
      longestTaskMs: Math.max(0, ...longTasks),
    };
  } catch (err) {
    return {
      ok: false,
      error: err instanceof Error ? err.message : String(err),
      longTasks: longTasks.length,
      longestTaskMs: Math.max(0, ...longTasks),
    };
  } finally {
    observer.disconnect();
    kernel.dispose();
  }
}

(globalThis as unknown as { runBench: typeof runBench }).runBench = runBench;
document.title = "bench ready";
