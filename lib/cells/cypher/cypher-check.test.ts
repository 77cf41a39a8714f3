import { describe, expect, it } from "vitest";
import { checkParameters, DEFAULT_FAIL_MESSAGE, evaluateCheckRows } from "./cypher-check";

describe("evaluateCheckRows", () => {
  it("passes when every row has pass = true, using the first message", () => {
    expect(evaluateCheckRows(["pass", "message"], [[true, "Well done"]])).toEqual({
      passed: true,
      message: "Well done",
    });
    expect(evaluateCheckRows(["pass"], [[true], [true]])).toEqual({
      passed: true,
      message: "Check passed.",
    });
  });
  it("fails on the first failing row, with its message", () => {
    expect(
      evaluateCheckRows(
        ["pass", "message"],
        [
          [true, "ok"],
          [false, "Keanu is missing"],
          [false, "second"],
        ],
      ),
    ).toEqual({ passed: false, message: "Keanu is missing" });
    expect(evaluateCheckRows(["pass"], [[null]])).toEqual({
      passed: false,
      message: DEFAULT_FAIL_MESSAGE,
    });
    expect(evaluateCheckRows(["pass"], [[1n]]).passed).toBe(false);
  });
  it("fails without rows and explains a missing pass column", () => {
    expect(evaluateCheckRows(["pass"], []).passed).toBe(false);
    expect(evaluateCheckRows(["ok"], [[true]]).message).toMatch(/column named `pass`/);
  });
});

describe("checkParameters", () => {
  it("turns rows into maps keyed by column and graph entities into property maps", () => {
    const node = {
      kind: "node" as const,
      id: 1n,
      labels: ["Movie"],
      properties: new Map([["title", "Up"]]),
    };
    const p = checkParameters(["m", "n"], [[node, 2n]]);
    expect(p.columns).toEqual(["m", "n"]);
    expect(p.rows).toEqual([
      {
        kind: "map",
        entries: new Map<string, unknown>([
          ["m", { kind: "map", entries: new Map([["title", "Up"]]) }],
          ["n", 2n],
        ]),
      },
    ]);
  });
});
