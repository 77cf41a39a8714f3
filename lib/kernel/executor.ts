/**
 * Runs notebook cells against one shared scope, with `tf` and the output helpers in reach.
 * Environment-agnostic: the worker and the Node kernel (content checks) both drive it, so a
 * lesson behaves the same in the browser and in CI.
 */
import type { CellOutput } from "@/lib/notebook/types";
import { compileCell, errorPositionInCell } from "./cell-function";
import { formatValue, type Tf } from "./format";
import {
  createInterruptCheck,
  installTrainingInterruptCheck,
  KeyboardInterrupt,
  type InterruptFlag,
  type RunInterruptState,
} from "./interrupt";
import { OutputBatcher, type BatcherOptions } from "./output-batcher";
import { createOutputApi, type OutputApi } from "./output-api";
import { PlotDrawSync } from "./plot-draw-sync";
import type { CellError, MemoryInfo } from "./protocol";
import { declaredTopLevelNames, transformCell, type ColumnEdit } from "./scope-transform";
import { unreachableTensorCount } from "./tensor-reachability";

export interface RunInput {
  runId: string;
  cellId: string;
  code: string;
  previousCells: { id: string; code: string }[];
}

export interface RunResult {
  /** "interrupted": stopped by the interrupt flag; the scope and the kernel live on. */
  status: "ok" | "error" | "interrupted";
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
  interrupt: RunInterruptState;
}

/** How often a run that waits (a pending await) looks at the interrupt flag. */
const INTERRUPT_POLL_MS = 50;
/**
 * How long the flag may stay unanswered before a waiting run is given up: longer than a training
 * batch, so code that is about to reach a check (and stop where it is) gets to do so.
 */
const ABANDON_AFTER_MS = 300;

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
  /** Shared with the page (see interrupt.ts); null where there is no shared memory. */
  interruptFlag: InterruptFlag | null = null;

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
    installTrainingInterruptCheck(tf, () => {
      if (this.interruptFlag?.requested) throw new KeyboardInterrupt();
    });
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
    // Leftover work of an interrupted run (a timer, an unawaited fit) stopping as asked.
    if (reason instanceof KeyboardInterrupt) return;
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
      interrupt: { abandoned: false },
    };
    this.current = run;
    const leakBefore = unreachableTensorCount(this.tf, this.scope);
    let error: CellError | undefined;
    let interrupted: { line: number } | undefined;
    const transformed = transformCell(input.code);
    if (!transformed.ok) {
      error = { name: "SyntaxError", ...transformed.error };
    } else {
      for (const name of transformed.declaredNames) {
        if (!Object.hasOwn(this.scope, name)) this.scope[name] = undefined;
      }
      this.runCounter += 1;
      const url = `cell-${sanitizeId(input.cellId)}-${this.runCounter}.js`;
      const check = createInterruptCheck(() => this.interruptFlag, run.interrupt);
      const positions = transformed.columnEdits;
      try {
        await this.untilInterrupted(compileCell(transformed.body, url, check)(this.scope), run);
      } catch (err) {
        if (err instanceof KeyboardInterrupt) {
          interrupted = (await errorPositionInCell(err, url, positions)) ?? { line: 0 };
        } else {
          error = await this.toCellError(err, url, input, positions);
        }
      }
      await settle();
      const [first] = run.uncaught;
      if (!error && !interrupted && run.uncaught.length > 0) {
        const e = await this.toCellError(first, url, input, positions);
        error = { ...e, message: `Unhandled promise rejection: ${e.message}` };
      }
    }
    if (error) run.batcher.push({ type: "error", ...error });
    if (interrupted) {
      const where = interrupted.line > 0 ? ` at line ${interrupted.line}` : " while it waited";
      run.batcher.push({
        type: "text",
        stream: "info",
        text: `KeyboardInterrupt: stopped${where}. The kernel kept running, so your variables are kept.`,
      });
    }
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
      status: interrupted ? "interrupted" : error ? "error" : "ok",
      ...(error ? { error } : {}),
      durationMs: performance.now() - started,
      memory: this.memory(),
      leakedTensors,
      ...(fatal ? { fatal } : {}),
    };
  }

  /**
   * The cell's promise, or a KeyboardInterrupt once the flag is seen while the cell waits on
   * something that never reaches a check (a promise that never settles, a long sleep). The
   * abandoned run's top-level code stops at its next check (RunInterruptState.abandoned).
   */
  private untilInterrupted(cell: Promise<unknown>, run: ActiveRun): Promise<unknown> {
    const flag = this.interruptFlag;
    if (!flag) return cell;
    let timer: ReturnType<typeof setInterval> | undefined;
    let seenAt: number | null = null;
    const interrupted = new Promise<never>((_, reject) => {
      timer = setInterval(() => {
        if (!flag.requested) return;
        seenAt ??= performance.now();
        if (performance.now() - seenAt < ABANDON_AFTER_MS) return;
        run.interrupt.abandoned = true;
        reject(new KeyboardInterrupt());
      }, INTERRUPT_POLL_MS);
    });
    return Promise.race([cell, interrupted]).finally(() => clearInterval(timer));
  }

  private async toCellError(
    err: unknown,
    url: string,
    input: RunInput,
    positions: readonly ColumnEdit[],
  ): Promise<CellError> {
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
    const pos = await errorPositionInCell(err, url, positions);
    return { name, message, ...(pos ? { line: pos.line, column: pos.column } : {}) };
  }
}
