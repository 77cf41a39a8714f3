import { describe, expect, it } from "vitest";
import { OutputBatcher } from "@/lib/kernel/output-batcher";
import { joinText, mergeOutput, mergeOutputs } from "./outputs";
import { createNotebookState, notebookReducer } from "./reducer";
import type { CellOutput } from "./types";

const out = (text: string, stream: "stdout" | "stderr" | "info" = "stdout"): CellOutput => ({
  type: "text",
  stream,
  text,
});
const plot = (n: number): CellOutput => ({ type: "plot", plotId: "loss", traces: [n] });
const bar = (v: number): CellOutput => ({
  type: "progress",
  progressId: "p",
  label: "epochs",
  value: v,
  max: 3,
});

/** Every way of cutting `outputs` into consecutive batches. */
function splits<T>(items: T[]): T[][][] {
  if (items.length === 0) return [[]];
  const result: T[][][] = [];
  for (let i = 1; i <= items.length; i++) {
    for (const rest of splits(items.slice(i))) result.push([items.slice(0, i), ...rest]);
  }
  return result;
}

describe("the output-merge rule", () => {
  it("puts each console.log on its own line", () => {
    expect(mergeOutputs([], [out("before: 1"), out("after one step: 2")])).toEqual([
      out("before: 1\nafter one step: 2"),
    ]);
  });

  it("adds no blank line after text that already ends a line", () => {
    expect(joinText("warning: unused\n", "exit code 0")).toBe("warning: unused\nexit code 0");
    expect(joinText("", "a")).toBe("a");
    expect(joinText("a", "")).toBe("a");
  });

  it("keeps streams apart and replaces plots and progress bars with the same id in place", () => {
    expect(mergeOutputs([], [out("a"), out("b", "stderr"), out("c")])).toEqual([
      out("a"),
      out("b", "stderr"),
      out("c"),
    ]);
    expect(mergeOutput([plot(1), out("x")], plot(2))).toEqual([plot(2), out("x")]);
    expect(mergeOutput([bar(1)], bar(2))).toEqual([bar(2)]);
  });

  it("gives the same result however the outputs were batched (the batcher merges, then the reducer)", () => {
    const stream = [
      out("a"),
      out("b\n"),
      out(""),
      plot(1),
      out("c"),
      out("d", "stderr"),
      plot(2),
      out("e"),
      bar(1),
      bar(2),
    ];
    const direct = mergeOutputs([], stream);
    for (const batches of splits(stream)) {
      const merged = batches.reduce<CellOutput[]>(
        (shown, batch) => mergeOutputs(shown, mergeOutputs([], batch)),
        [],
      );
      expect(merged).toEqual(direct);
    }
  });

  it("shows two console.log calls of one tfjs cell on two lines (batcher → reducer)", () => {
    let now = 0;
    const timers: (() => void)[] = [];
    let state = notebookReducer(createNotebookState([{ id: "one-step", kind: "tfjs", code: "" }]), {
      type: "start",
      id: "one-step",
      at: 0,
    });
    const batcher = new OutputBatcher(
      (batch) => {
        for (const output of batch)
          state = notebookReducer(state, { type: "output", id: "one-step", output });
      },
      { intervalMs: 100, now: () => now, setTimer: (fn) => timers.push(fn), clearTimer: () => {} },
    );
    // The first output of a run flushes alone; the second one waits for the timer.
    batcher.push(out("before: 1"));
    now = 5;
    batcher.push(out("after one step: 2"));
    batcher.flush();
    expect(state.cells["one-step"]?.outputs).toEqual([out("before: 1\nafter one step: 2")]);
  });
});
