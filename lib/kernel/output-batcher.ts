/**
 * Collects a run's outputs and sends them in batches at most every `intervalMs`, so a cell
 * that logs in a tight loop or updates a plot per batch cannot flood the page: a plot or
 * progress output with the same id replaces its pending version, consecutive text on the same
 * stream is joined, and text beyond a budget is dropped with one notice.
 */
import type { CellOutput } from "@/lib/notebook/types";

export interface BatcherOptions {
  intervalMs?: number;
  /** Characters of text output per run before the rest is dropped. */
  maxTextChars?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class OutputBatcher {
  private pending: CellOutput[] = [];
  private lastFlush = -Infinity;
  private timer: unknown = null;
  private textChars = 0;
  private truncated = false;
  private readonly intervalMs: number;
  private readonly maxTextChars: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly send: (outputs: CellOutput[]) => void,
    options: BatcherOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 100;
    this.maxTextChars = options.maxTextChars ?? 200_000;
    this.now = options.now ?? (() => performance.now());
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  push(output: CellOutput): void {
    if (!this.accept(output)) return;
    const elapsed = this.now() - this.lastFlush;
    if (elapsed >= this.intervalMs) this.flush();
    else if (this.timer === null) this.timer = this.setTimer(() => this.flush(), this.intervalMs - elapsed);
  }

  /** Sends everything pending now (end of a run). */
  flush(): void {
    if (this.timer !== null) {
      this.clearTimer(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.lastFlush = this.now();
    this.send(batch);
  }

  private accept(output: CellOutput): boolean {
    if (output.type === "text") {
      if (this.truncated) return false;
      this.textChars += output.text.length;
      if (this.textChars > this.maxTextChars) {
        this.truncated = true;
        this.pending.push({ type: "text", stream: "info", text: "… output truncated: this cell printed too much text." });
        return true;
      }
      const last = this.pending.at(-1);
      if (last?.type === "text" && last.stream === output.stream) {
        this.pending[this.pending.length - 1] = { ...last, text: `${last.text}\n${output.text}` };
        return true;
      }
    } else if (output.type === "plot" || output.type === "progress") {
      const i = this.pending.findIndex((p) => sameLiveOutput(p, output));
      if (i >= 0) {
        this.pending[i] = output;
        return true;
      }
    }
    this.pending.push(output);
    return true;
  }
}

function sameLiveOutput(a: CellOutput, b: CellOutput): boolean {
  if (a.type === "plot" && b.type === "plot") return a.plotId === b.plotId;
  if (a.type === "progress" && b.type === "progress") return a.progressId === b.progressId;
  return false;
}
