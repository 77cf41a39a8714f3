import { afterEach, describe, expect, it, vi } from "vitest";
import { createInterruptCheck, InterruptFlag, KeyboardInterrupt } from "./interrupt";

describe("interrupt flag and checks", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("exists only on a cross-origin isolated page", () => {
    vi.stubGlobal("crossOriginIsolated", false);
    expect(InterruptFlag.create()).toBeNull();
    vi.stubGlobal("crossOriginIsolated", true);
    expect(InterruptFlag.create()).toBeInstanceOf(InterruptFlag);
  });

  it("is one shared Int32: a second view on the buffer sees requests and clears", () => {
    const page = new InterruptFlag();
    const worker = new InterruptFlag(page.buffer);
    expect(worker.requested).toBe(false);
    page.request();
    expect(worker.requested).toBe(true);
    page.clear();
    expect(worker.requested).toBe(false);
  });

  it("throws KeyboardInterrupt while requested, and passes values through otherwise", () => {
    const flag = new InterruptFlag();
    const run = { abandoned: false };
    const check = createInterruptCheck(() => flag, run);
    expect(check(5)).toBe(5);
    expect(check.top("v")).toBe("v");
    flag.request();
    expect(() => check()).toThrow(KeyboardInterrupt);
    expect(() => check.top()).toThrow(/your variables are kept/);
    flag.clear();
    expect(check(1)).toBe(1);
  });

  it("stops the top level of an abandoned run for good, but not functions it defined", () => {
    const run = { abandoned: true };
    const check = createInterruptCheck(() => null, run);
    expect(() => check.top()).toThrow(KeyboardInterrupt);
    expect(check(2)).toBe(2);
  });
});
