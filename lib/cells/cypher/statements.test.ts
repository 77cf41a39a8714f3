import { describe, expect, it } from "vitest";
import { splitStatements, toCellPosition } from "./statements";

describe("splitStatements", () => {
  it("splits at top-level semicolons only", () => {
    const s = splitStatements(
      'CREATE (:A {s: \'a;b\'});\n// c;\nMATCH (n:`x;y`) /* ; */ RETURN n;\n  RETURN "q\\";" AS x',
    );
    expect(s.map((x) => x.text)).toEqual([
      "CREATE (:A {s: 'a;b'})",
      "// c;\nMATCH (n:`x;y`) /* ; */ RETURN n",
      'RETURN "q\\";" AS x',
    ]);
    expect(s[2]).toMatchObject({ line: 4, column: 3 });
  });

  it("drops empty and comment-only statements", () => {
    expect(splitStatements(" ; // only a comment\n;/* x */")).toEqual([]);
    expect(splitStatements("RETURN 1")).toEqual([{ text: "RETURN 1", line: 1, column: 1 }]);
  });

  it("maps statement positions back to the cell", () => {
    const [, second] = splitStatements("RETURN 1;\n\n  MATCH (n)\nRETURN m");
    expect(toCellPosition(second!, 1, 3)).toEqual({ line: 3, column: 5 });
    expect(toCellPosition(second!, 2, 8)).toEqual({ line: 4, column: 8 });
  });
});
