import { describe, expect, it } from "vitest";
import { checkOutputForLearner, checkRunVerdict } from "./check-result";

describe("checkRunVerdict", () => {
  it("passes a check that ran without errors", () => {
    expect(checkRunVerdict("ok", [])).toEqual({ passed: true, message: "Check passed." });
  });

  it("gives the check's own message, without the position in the hidden check", () => {
    const verdict = checkRunVerdict("error", [
      {
        type: "error",
        name: "Error",
        message: "the targets are wrong: [[7],[8],[9],[10]]",
        line: 1,
        column: 61,
      },
    ]);
    expect(verdict).toEqual({
      passed: false,
      message: "the targets are wrong: [[7],[8],[9],[10]]",
    });
    expect(JSON.stringify(verdict)).not.toMatch(/line|column|61/);
  });

  it("says the check could not use the learner's code when it tripped over it", () => {
    expect(
      checkRunVerdict("error", [
        { type: "error", name: "TypeError", message: "got.mean is undefined", line: 3, column: 9 },
      ]).message,
    ).toBe("The check could not use your code: TypeError: got.mean is undefined");
    expect(checkRunVerdict("interrupted", []).message).toMatch(/stopped/);
    expect(checkRunVerdict("error", [])).toEqual({
      passed: false,
      message: "The check did not pass.",
    });
  });
});

describe("checkOutputForLearner", () => {
  it("keeps the check's prints, drops its errors and the kernel's notes about its code", () => {
    const print = { type: "text", stream: "stdout", text: "probe ok" } as const;
    expect(checkOutputForLearner(print)).toBe(print);
    expect(checkOutputForLearner({ type: "error", name: "Error", message: "x" })).toBeNull();
    expect(
      checkOutputForLearner({ type: "text", stream: "info", text: "This run left 2 tensors" }),
    ).toBeNull();
  });
});
