import { describe, expect, it } from "vitest";
import { epochXRange, lossYRange, niceCeil } from "./loss-axis";

describe("niceCeil", () => {
  it("rounds up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect([0.7, 1, 1.2, 2.1, 2.6, 7, 0.034, 1234].map(niceCeil)).toEqual([
      1, 1, 2, 2.5, 5, 10, 0.05, 2000,
    ]);
    expect(niceCeil(0.1 + 0.2)).toBeCloseTo(0.5);
    expect(niceCeil(0.25)).toBeCloseTo(0.25);
  });
});

describe("lossYRange", () => {
  it("starts at 0 and ends at a nice bound above the largest loss", () => {
    expect(lossYRange([0.9, 0.4, 0.2], false)).toEqual([0, 1]);
    expect(lossYRange([0.031, 0.02], false)).toEqual([0, 0.05]);
  });

  it("keeps the range while the losses stay inside it, and grows when one leaves it", () => {
    const first = lossYRange([0.9], false);
    expect(lossYRange([0.9, 0.5, 0.3], false, first)).toBe(first);
    expect(lossYRange([0.9, 1.3], false, first)).toEqual([0, 2]);
  });

  it("uses whole decades on a log axis, in log10 units", () => {
    expect(lossYRange([0.5, 0.02], true)).toEqual([-2, 0]);
    expect(lossYRange([0.5], true)).toEqual([-1, 0]);
    expect(lossYRange([0.5, 0.01, 0.001], true, [-2, 0])).toEqual([-3, 0]);
  });

  it("ignores NaN, Infinity and (on a log axis) non-positive values; nothing finite gives undefined", () => {
    expect(lossYRange([Number.NaN, 0.4, Number.POSITIVE_INFINITY], false)).toEqual([0, 0.5]);
    expect(lossYRange([0, 0.1], true)).toEqual([-1, 0]);
    expect(lossYRange([Number.NaN], false)).toBeUndefined();
    expect(lossYRange([], false, [0, 1])).toEqual([0, 1]);
  });

  it("handles negative values (a metric that is not a loss)", () => {
    expect(lossYRange([-0.3, 0.8], false)).toEqual([-0.5, 1]);
  });
});

describe("epochXRange", () => {
  it("leaves half an epoch at each end", () => {
    expect(epochXRange(20)).toEqual([0.5, 20.5]);
    expect(epochXRange(0)).toEqual([0.5, 1.5]);
  });
});
