import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parse } from "./parser";
import { CypherError } from "./errors";
import { prepareQuery } from "./engine";

describe("parser", () => {
  it("parses clauses and reports positioned syntax errors", () => {
    const q = parse(
      "MATCH (a:Person {name: 'x'})-[r:KNOWS*1..3]->(b)\nWHERE a.age > 3 RETURN a, count(*) AS c ORDER BY c DESC LIMIT 5",
    );
    expect(q.parts[0]!.clauses.map((c) => c.t)).toEqual(["match", "return"]);
    try {
      parse("MATCH (a)\nRETURN a +");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CypherError);
      const ce = e as CypherError;
      expect(ce.type).toBe("SyntaxError");
      expect(ce.position?.line).toBe(2);
      expect(ce.position?.column).toBe(11);
    }
  });
  it("accepts unicode dashes only inside relationship patterns", () => {
    expect(parse("MATCH (a)\u2014[:T]\u2014>(b) RETURN a").parts.length).toBe(1);
    expect(() => parse("RETURN 42 \u2014 41")).toThrow(
      expect.objectContaining({ detail: "InvalidUnicodeCharacter" }) as Error,
    );
  });
  it("rejects integer overflow at compile time", () => {
    expect(() => parse("RETURN 9223372036854775808")).toThrow(/too large/);
    expect(parse("RETURN -9223372036854775808").parts.length).toBe(1);
  });
  it("reports absurd nesting as a syntax error instead of overflowing the stack", () => {
    const q = "RETURN " + "(".repeat(20000) + "1" + ")".repeat(20000);
    expect(() => prepareQuery(q)).toThrow(CypherError);
  });
  it("fuzz: never throws anything but CypherError", () => {
    const tokens = [
      "MATCH",
      "RETURN",
      "(",
      ")",
      "[",
      "]",
      "-",
      "->",
      "<-",
      ":",
      "a",
      "b",
      "{",
      "}",
      "'s'",
      "1",
      "1.5",
      ",",
      "WHERE",
      "=",
      "+",
      "*",
      "..",
      "$p",
      "WITH",
      "AS",
      "UNWIND",
      "CREATE",
      "x",
      "|",
      "IN",
      "CASE",
      "WHEN",
      "THEN",
      "END",
      "`q`",
      "/*",
      '"',
      "\\",
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.constantFrom(...tokens)).map((a) => a.join(" ")),
        ),
        (s) => {
          try {
            prepareQuery(s);
          } catch (e) {
            if (!(e instanceof CypherError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
