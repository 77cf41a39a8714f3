/**
 * Runs notebook cells against one shared scope, with `tf` and the output helpers in reach.
 * Environment-agnostic: the worker and the Node kernel (content checks) both drive it, so a
 * lesson behaves the same in the browser and in CI.
 */
import type { CellOutput } from "@/lib/notebook/types";
import { compileCell, errorPositionInCell } from "./cell-function";
import { formatValue, type Tf } from "./format";
import { OutputBatcher, type BatcherOptions } from "./output-batcher";
import { createOutputApi, type OutputApi } from "./output-api";
import { PlotDrawSync } from "./plot-draw-sync";
import type { CellError, MemoryInfo } from "./protocol";
import { declaredTopLevelNames, transformCell } from "./scope-transform";
import { unreachableTensorCount } from "./tensor-reachability";

export interface RunInput {
  runId: string;
  cellId: string;
  code: string;
  previousCells: { id: string; code: string }[];
}

export interface RunResult {
  status: "ok" | "error";
  error?: CellError;
  durationMs: number;
  memory: MemoryInfo;
  leakedTensors: number;
  /** Set when the engine is broken (e.g. the wasm heap aborted) and must be restarted. */
  fatal?: string;
}

interface ActiveRun {
  batcher: OutputBatcher;
  uncaught: unknown[];
}

const ALLOCATION_PATTERN =
  /Array buffer allocation failed|offset is out of bounds|Invalid typed array length|Invalid array length|Cannot enlarge memory/i;

const FATAL_PATTERN = /Aborted\(|memory access out of bounds|Cannot enlarge memory|out of memory/i;

function sanitizeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40) || "cell";
}

/** Lets rejections of promises the cell did not await surface before the run is reported. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(() => setTimeout(resolve, 0), 0));
}

export class CellExecutor {
  /** Names the cells declared. Its prototype holds `tf` and the helpers, so cells can shadow them. */
  readonly scope: Record<string, unknown>;
  readonly api: OutputApi;
  private current: ActiveRun | null = null;
  private last: ActiveRun | null = null;
  private runCounter = 0;

  constructor(
    private readonly tf: Tf,
    private readonly send: (runId: string, outputs: CellOutput[]) => void,
    private readonly batcherOptions: BatcherOptions = {},
    /** Enabled by the browser worker, whose page acknowledges plot draws. */
    readonly drawSync: PlotDrawSync = new PlotDrawSync(),
  ) {
    this.api = createOutputApi(tf, (o) => this.emit(o), {
      flush: () => (this.current ?? this.last)?.batcher.flush(),
      drawSync: this.drawSync,
    });
    const builtins = Object.assign(Object.create(null) as Record<string, unknown>, {
      tf,
      ...this.api,
    });
    this.scope = Object.create(builtins) as Record<string, unknown>;
  }

  /** Writes to the running cell, or to the last one when a late callback fires. */
  emit(output: CellOutput): void {
    (this.current ?? this.last)?.batcher.push(output);
  }

  get running(): boolean {
    return this.current !== null;
  }

  memory(): MemoryInfo {
    const m = this.tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  }

  /** An unhandled rejection or uncaught error from cell code (timers, floating promises). */
  reportUncaught(reason: unknown, kind: "rejection" | "error"): void {
    if (this.current) {
      this.current.uncaught.push(reason);
      return;
    }
    const prefix = kind === "rejection" ? "Unhandled promise rejection: " : "Uncaught error: ";
    const name = reason instanceof Error ? reason.name : "Error";
    const message = reason instanceof Error ? reason.message : formatValue(this.tf, reason);
    this.last?.batcher.push({ type: "error", name, message: prefix + message });
    this.last?.batcher.flush();
  }

  async run(input: RunInput): Promise<RunResult> {
    const started = performance.now();
    const run: ActiveRun = {
      batcher: new OutputBatcher((outputs) => this.send(input.runId, outputs), this.batcherOptions),
      uncaught: [],
    };
    this.current = run;
    const leakBefore = unreachableTensorCount(this.tf, this.scope);
    let error: CellError | undefined;
    const transformed = transformCell(input.code);
    if (!transformed.ok) {
      error = { name: "SyntaxError", ...transformed.error };
    } else {
      for (const name of transformed.declaredNames) {
        if (!Object.hasOwn(this.scope, name)) this.scope[name] = undefined;
      }
      this.runCounter += 1;
      const url = `cell-${sanitizeId(input.cellId)}-${this.runCounter}.js`;
      try {
        await compileCell(transformed.body, url)(this.scope);
      } catch (err) {
        error = await this.toCellError(err, url, input);
      }
      await settle();
      const [first] = run.uncaught;
      if (!error && run.uncaught.length > 0) {
        const e = await this.toCellError(first, url, input);
        error = { ...e, message: `Unhandled promise rejection: ${e.message}` };
      }
    }
    if (error) run.batcher.push({ type: "error", ...error });
    const leakedTensors = Math.max(0, unreachableTensorCount(this.tf, this.scope) - leakBefore);
    if (leakedTensors > 0) {
      run.batcher.push({
        type: "text",
        stream: "info",
        text: `This run left ${leakedTensors} tensor${leakedTensors === 1 ? "" : "s"} that no variable refers to (leaked memory). Wrap temporary tensor work in tf.tidy(() => …) or call .dispose() on tensors you replace.`,
      });
    }
    run.batcher.flush();
    this.current = null;
    this.last = run;
    const fatal =
      error && FATAL_PATTERN.test(`${error.name}: ${error.message}`) ? error.message : undefined;
    return {
      status: error ? "error" : "ok",
      ...(error ? { error } : {}),
      durationMs: performance.now() - started,
      memory: this.memory(),
      leakedTensors,
      ...(fatal ? { fatal } : {}),
    };
  }

  private async toCellError(err: unknown, url: string, input: RunInput): Promise<CellError> {
    const name = err instanceof Error ? err.name || "Error" : "Error";
    let message = err instanceof Error ? err.message : `Uncaught ${formatValue(this.tf, err)}`;
    const missing =
      name === "ReferenceError" ? /^(\S+) is not defined/.exec(message)?.[1] : undefined;
    if (missing) {
      const owner = input.previousCells.find((c) =>
        declaredTopLevelNames(c.code).includes(missing),
      );
      message = owner
        ? `${missing} is not defined: it is declared in cell "${owner.id}", which has not run yet in this kernel. Run that cell first.`
        : `${missing} is not defined: no cell above declares it.`;
    }
    if (ALLOCATION_PATTERN.test(message)) {
      message +=
        ": the allocation is larger than the memory the kernel can use. Try smaller tensors or batches; the kernel is still running.";
    } else if (name === "RangeError" && /call stack/i.test(message)) {
      message += ": a function probably calls itself without end.";
    }
    const pos = await errorPositionInCell(err, url);
    return { name, message, ...(pos ? { line: pos.line, column: pos.column } : {}) };
  }
}
