import { describe, expect, it } from "vitest";
import { cellOfLine, problemsInPlace } from "./preview-problems";

const cells = [
  { id: "b", line: 30 },
  { id: "a", line: 10 },
];

describe("problems in place", () => {
  it("gives a problem to the cell whose fence is at or above it", () => {
    expect(cellOfLine(cells, 5)).toBeNull();
    expect(cellOfLine(cells, 10)).toBe("a");
    expect(cellOfLine(cells, 29)).toBe("a");
    expect(cellOfLine(cells, 31)).toBe("b");
  });

  it("merges validation problems per cell and adds failing content:check cells", () => {
    const result = problemsInPlace(
      cells,
      [
        { line: 12, message: "exercise has no check" },
        { line: 14, message: "unknown attribute" },
        { line: 2, message: "front matter: title missing" },
      ],
      {
        key: "t/c/l",
        status: "failed",
        problems: [],
        cells: [
          { id: "b", status: "failed", problems: ["the starter passes its check"] },
          { id: "a", status: "passed", problems: [] },
        ],
      },
    );
    expect(result).toEqual([
      {
        cellId: "a",
        source: "Validation",
        messages: ["line 12: exercise has no check", "line 14: unknown attribute"],
      },
      { cellId: "b", source: "content:check failed", messages: ["the starter passes its check"] },
    ]);
  });
});
