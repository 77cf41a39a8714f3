import { describe, expect, it } from "vitest";
import { shouldWarmStart, type WarmStartEnvironment } from "./warm-start";

const capable: WarmStartEnvironment = {
  saveData: false,
  preference: null,
  hasWorker: true,
  hasWebAssembly: true,
};

describe("shouldWarmStart", () => {
  it("starts by default where the kernel can run", () => {
    expect(shouldWarmStart(capable)).toBe(true);
    expect(shouldWarmStart({ ...capable, preference: "on" })).toBe(true);
  });

  it("waits for the learner when data is to be saved or the learner said so", () => {
    expect(shouldWarmStart({ ...capable, saveData: true })).toBe(false);
    expect(shouldWarmStart({ ...capable, preference: "off" })).toBe(false);
  });

  it("never starts a kernel the browser cannot run", () => {
    expect(shouldWarmStart({ ...capable, hasWorker: false })).toBe(false);
    expect(shouldWarmStart({ ...capable, hasWebAssembly: false })).toBe(false);
  });
});
