import { describe, expect, it } from "vitest";
import { tokenizeCypherLine, type LineState } from "./cypher-tokens";

/** Each token's text with its scope, whitespace left out. */
function scoped(line: string, state: LineState = "code"): [string, string][] {
  const { tokens } = tokenizeCypherLine(line, state);
  return tokens
    .map((t, i): [string, string] => [
      line.slice(t.startIndex, tokens[i + 1]?.startIndex ?? line.length),
      t.scope,
    ])
    .filter(([text, scope]) => text.trim() !== "" || scope !== "");
}

describe("tokenizeCypherLine (the engine's lexer)", () => {
  it("colours keywords, labels, types, properties, functions, parameters and literals", () => {
    expect(
      scoped(
        "MATCH (p:Person)-[:ACTED_IN]->(m) WHERE p.born > $year RETURN toUpper(p.name), 'x', 1.5",
      ),
    ).toEqual([
      ["MATCH", "keyword"],
      ["(", "delimiter"],
      ["p", "identifier"],
      [":", "delimiter"],
      ["Person", "type"],
      [")-[:", "delimiter"],
      ["ACTED_IN", "type"],
      ["]->(", "delimiter"],
      ["m", "identifier"],
      [")", "delimiter"],
      ["WHERE", "keyword"],
      ["p", "identifier"],
      [".", "delimiter"],
      ["born", "property"],
      [">", "delimiter"],
      ["$year", "variable"],
      ["RETURN", "keyword"],
      ["toUpper", "predefined"],
      ["(", "delimiter"],
      ["p", "identifier"],
      [".", "delimiter"],
      ["name", "property"],
      ["),", "delimiter"],
      ["'x'", "string"],
      [",", "delimiter"],
      ["1.5", "number"],
    ]);
  });

  it("keeps map values apart from labels, and keywords in lower case", () => {
    expect(scoped("create (n {name: x, born: 1964}) return n")).toEqual([
      ["create", "keyword"],
      ["(", "delimiter"],
      ["n", "identifier"],
      ["{", "delimiter"],
      ["name", "property"],
      [":", "delimiter"],
      ["x", "identifier"],
      [",", "delimiter"],
      ["born", "property"],
      [":", "delimiter"],
      ["1964", "number"],
      ["})", "delimiter"],
      ["return", "keyword"],
      ["n", "identifier"],
    ]);
  });

  it("carries a block comment across lines and colours line comments", () => {
    const first = tokenizeCypherLine("MATCH (n) /* all", "code");
    expect(first.state).toBe("comment");
    expect(scoped("nodes */ RETURN n // done", first.state)).toEqual([
      ["nodes */", "comment"],
      ["RETURN", "keyword"],
      ["n", "identifier"],
      ["// done", "comment"],
    ]);
  });

  it("still colours a line the lexer cannot finish: an open string, a stray character", () => {
    expect(scoped("RETURN 'unfinished")).toEqual([
      ["RETURN", "keyword"],
      ["'unfinished", "string"],
    ]);
    expect(scoped("RETURN 1 # 2")).toEqual([
      ["RETURN", "keyword"],
      ["1", "number"],
      ["#", "invalid"],
      ["2", "number"],
    ]);
  });
});
