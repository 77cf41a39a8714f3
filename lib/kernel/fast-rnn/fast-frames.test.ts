import { describe, expect, it } from "vitest";
import { installFastFrames } from "./fast-frames";

describe("installFastFrames", () => {
  it("leaves anything that is not a dedicated worker alone (a page must keep its real frames)", () => {
    const raf = () => 1;
    const scope = { requestAnimationFrame: raf };
    expect(installFastFrames(scope)).toBe(false);
    expect(scope.requestAnimationFrame).toBe(raf);
    expect(installFastFrames()).toBe(false);
  });
});
