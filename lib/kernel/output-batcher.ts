/**
 * Collects a run's outputs and sends them in batches at most every `intervalMs`, so a cell
 * that logs in a tight loop or updates a plot per batch cannot flood the page: a plot or
 * progress output with the same id replaces its pending version, consecutive text on the same
 * stream is joined (both by the notebook's one merge rule, so batching never changes what the
 * cell shows), and text beyond a budget is dropped with one notice.
 */
import { mergeOutput } from "@/lib/notebook/outputs";
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
    this.clearTimer =
      options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  }

  push(output: CellOutput): void {
    if (!this.accept(output)) return;
    const elapsed = this.now() - this.lastFlush;
    if (elapsed >= this.intervalMs) this.flush();
    else if (this.timer === null)
      this.timer = this.setTimer(() => this.flush(), this.intervalMs - elapsed);
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
        this.pending = mergeOutput(this.pending, {
          type: "text",
          stream: "info",
          text: "… output truncated: this cell printed too much text.",
        });
        return true;
      }
    }
    this.pending = mergeOutput(this.pending, output);
    return true;
  }
}
