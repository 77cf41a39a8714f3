import { describe, expect, it } from "vitest";
import type { CellOutput } from "@/lib/notebook/types";
import { OutputBatcher } from "./output-batcher";

function harness(options: { maxTextChars?: number } = {}) {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const batches: CellOutput[][] = [];
  const b = new OutputBatcher((o) => batches.push(o), {
    intervalMs: 100,
    now: () => now,
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => timers.splice(timers.indexOf(h as (typeof timers)[number]), 1),
    ...options,
  });
  const advance = (ms: number) => {
    now += ms;
    for (const t of [...timers])
      if (t.at <= now) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
  };
  return { b, batches, advance, timers };
}

const plot = (y: number[]): CellOutput => ({ type: "plot", plotId: "p", traces: [{ y }] });

describe("OutputBatcher", () => {
  it("sends the first output at once and batches the rest within the interval", () => {
    const { b, batches, advance } = harness();
    b.push({ type: "text", stream: "stdout", text: "a" });
    expect(batches).toHaveLength(1);
    b.push({ type: "text", stream: "stdout", text: "b" });
    b.push({ type: "text", stream: "stdout", text: "c" });
    b.push({ type: "text", stream: "stderr", text: "d" });
    expect(batches).toHaveLength(1);
    advance(100);
    expect(batches[1]).toEqual([
      { type: "text", stream: "stdout", text: "b\nc" },
      { type: "text", stream: "stderr", text: "d" },
    ]);
  });

  it("keeps only the latest version of a plot or progress output in a batch", () => {
    const { b, batches, advance } = harness();
    b.push(plot([0]));
    for (let i = 1; i <= 50; i++) b.push(plot([i]));
    advance(100);
    expect(batches).toEqual([[plot([0])], [plot([50])]]);
  });

  it("never sends more than one batch per interval under a steady stream", () => {
    const { b, batches, advance } = harness();
    for (let t = 0; t < 1000; t += 5) {
      b.push(plot([t]));
      advance(5);
    }
    expect(batches.length).toBeLessThanOrEqual(11);
    expect(batches.at(-1)).toEqual([plot([995])]);
  });

  it("truncates runaway text with one notice", () => {
    const { b, batches } = harness({ maxTextChars: 10 });
    for (let i = 0; i < 100; i++) b.push({ type: "text", stream: "stdout", text: "xxxx" });
    b.flush();
    const all = batches.flat();
    const notices = all.filter((o) => o.type === "text" && o.stream === "info");
    expect(notices).toHaveLength(1);
    expect(
      all.reduce((n, o) => n + (o.type === "text" && o.stream === "stdout" ? o.text.length : 0), 0),
    ).toBeLessThan(20);
  });
});
