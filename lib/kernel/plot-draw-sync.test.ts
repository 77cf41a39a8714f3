import { afterEach, describe, expect, it, vi } from "vitest";
import { PlotDrawSync } from "./plot-draw-sync";

describe("PlotDrawSync", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("does not wait when the host does not acknowledge draws", async () => {
    const sync = new PlotDrawSync();
    expect(await sync.wait("plot-1", 10_000)).toBe(false);
  });

  it("resolves when the plot is drawn, and only for that plot", async () => {
    const sync = new PlotDrawSync();
    sync.enabled = true;
    const waiting = sync.wait("plot-1", 10_000);
    sync.drawn("plot-2");
    sync.drawn("plot-1");
    expect(await waiting).toBe(true);
  });

  it("gives up after maxMs", async () => {
    vi.useFakeTimers();
    const sync = new PlotDrawSync();
    sync.enabled = true;
    const waiting = sync.wait("plot-1", 250);
    vi.advanceTimersByTime(250);
    expect(await waiting).toBe(false);
    sync.drawn("plot-1"); // a late acknowledgement is harmless
  });

  it("a new wait for the same plot releases the previous one", async () => {
    const sync = new PlotDrawSync();
    sync.enabled = true;
    const first = sync.wait("plot-1", 10_000);
    const second = sync.wait("plot-1", 10_000);
    expect(await first).toBe(true);
    sync.drawn("plot-1");
    expect(await second).toBe(true);
  });
});
