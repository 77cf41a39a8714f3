import { describe, expect, it } from "vitest";
import { makeMap } from "@courses/cypher";
import {
  applyParamCommands,
  describeParams,
  explainMissingParameter,
  parseCellParams,
} from "./params";
import { splitStatements } from "./statements";

const parsed = (source: string) => {
  const r = parseCellParams(source);
  if (!r.ok) throw new Error(`unexpected error: ${r.error.message}`);
  return r;
};
const errorOf = (source: string) => {
  const r = parseCellParams(source);
  if (r.ok) throw new Error("expected an error");
  return r.error;
};

describe("parseCellParams", () => {
  it("reads :param lines of every literal kind and blanks them out of the query", () => {
    const source = [
      ":param name => 'Tom Hanks'",
      ':param title => "It\'s \\"quoted\\"\\n"',
      ":param year => 1999",
      ":param ratio => -2.5e1",
      ":param ok => TRUE",
      ":param nothing => null",
      ":param names => ['Keanu Reeves', \"Carrie-Anne Moss\"]",
      ":param props => {name: 'Neo', `first seen`: 1999, tags: [1, 2.0]}",
      "MATCH (p:Person {name: $name}) RETURN p",
    ].join("\n");
    const r = parsed(source);
    const params = applyParamCommands(new Map(), r.commands);
    expect(params.get("name")).toBe("Tom Hanks");
    expect(params.get("title")).toBe('It\'s "quoted"\n');
    expect(params.get("year")).toBe(1999n);
    expect(params.get("ratio")).toBe(-25);
    expect(params.get("ok")).toBe(true);
    expect(params.get("nothing")).toBeNull();
    expect(params.get("names")).toEqual(["Keanu Reeves", "Carrie-Anne Moss"]);
    expect(params.get("props")).toEqual(
      makeMap({ name: "Neo", "first seen": 1999n, tags: [1n, 2] }),
    );
    expect(r.query.length).toBe(source.length);
    expect(splitStatements(r.query)).toEqual([
      { text: "MATCH (p:Person {name: $name}) RETURN p", line: 9, column: 1 },
    ]);
  });

  it("accepts comments, blank lines, values over several lines and the older name: value form", () => {
    const r = parsed(
      "// who to look for\n\n:params {\n  names: ['A',\n          'B'],\n  limit: 3\n}\n:param min: 1990 // inclusive\nRETURN $names",
    );
    expect(applyParamCommands(new Map(), r.commands)).toEqual(
      new Map<string, unknown>([
        ["names", ["A", "B"]],
        ["limit", 3n],
        ["min", 1990n],
      ]),
    );
    expect(splitStatements(r.query)[0]?.text).toMatch(/^\/\/ who to look for\s+RETURN \$names$/);
  });

  it("leaves a cell without commands as it is", () => {
    const r = parsed("MATCH (n {s: ':param x => 1'}) RETURN n");
    expect(r.commands).toEqual([]);
    expect(r.query).toBe("MATCH (n {s: ':param x => 1'}) RETURN n");
  });

  it("reports malformed commands with their line and column", () => {
    expect(errorOf(":param name => 'Tom")).toMatchObject({ line: 1, column: 16 });
    expect(errorOf(":param name => 'Tom").message).toMatch(/not closed/);
    expect(errorOf(":param year 1999")).toMatchObject({
      line: 1,
      column: 13,
      message: expect.stringMatching(/expected => after the name/),
    });
    expect(errorOf(":param 1x => 1").message).toMatch(/parameter name/);
    expect(errorOf(":param d => date('2020-01-01')")).toMatchObject({
      column: 13,
      message: expect.stringMatching(/must be a literal/),
    });
    expect(errorOf(":param n => 1 RETURN $n").message).toMatch(/one :param per line/);
    expect(errorOf(":param l => [1, 2\nRETURN 1")).toMatchObject({ line: 2, column: 1 });
    expect(errorOf(":params ['a']").message).toMatch(/expected a map/);
    expect(errorOf(":param big => 9223372036854775808").message).toMatch(/64 bits/);
    expect(errorOf(":use neo4j").message).toMatch(/:use is a Neo4j Browser command/);
    expect(errorOf("RETURN $n\n  :param n => 1")).toMatchObject({
      line: 2,
      column: 3,
      message: expect.stringMatching(/at the top of the cell/),
    });
  });
});

describe("applyParamCommands", () => {
  it("keeps parameters from above, overrides one by one, and :params replaces them all", () => {
    const above = new Map([
      ["a", 1n],
      ["b", 2n],
    ]);
    const one = parsed(":param b => 3").commands;
    expect(applyParamCommands(above, one)).toEqual(
      new Map([
        ["a", 1n],
        ["b", 3n],
      ]),
    );
    const all = parsed(":params {c: 4}").commands;
    expect(applyParamCommands(above, all)).toEqual(new Map([["c", 4n]]));
    expect(above.get("b")).toBe(2n);
  });
});

describe("describeParams and explainMissingParameter", () => {
  it("lists what is set, Browser style", () => {
    expect(
      describeParams(
        new Map<string, never>([
          ["name", "Tom Hanks" as never],
          ["years", [1999n, 2000n] as never],
        ]),
      ),
    ).toBe("$name = 'Tom Hanks'\n$years = [1999, 2000]");
    expect(describeParams(new Map())).toBe("No parameters are set.");
  });

  it("tells how to set a missing parameter, and ignores other errors", () => {
    expect(
      explainMissingParameter(
        "Neo.ClientError.Statement.ParameterMissing",
        "Expected parameter: $name",
      ),
    ).toMatch(/Expected parameter: \$name\. Set it .* :param name => "value"/);
    expect(explainMissingParameter("Neo.ClientError.Statement.SyntaxError", "x")).toBeNull();
  });
});
