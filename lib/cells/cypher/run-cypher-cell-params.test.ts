import { describe, expect, it } from "vitest";
import { setupTestBoltServer } from "@courses/cypher/bolt";
import { runCypherCell } from "./run-cypher-cell";

const bolt = setupTestBoltServer();

const run = (input: Parameters<typeof runCypherCell>[0]) =>
  runCypherCell(input, { driver: bolt.driver });

const tableOf = (r: Awaited<ReturnType<typeof run>>) => r.outputs.find((o) => o.type === "table");

describe("runCypherCell with :param", () => {
  it("sends :param values as parameters (lists with IN, maps as property maps)", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query: [
        ":param names => ['Keanu Reeves', 'Tom Hanks']",
        ":param born => {born: 1964}",
        "MATCH (p:Person) WHERE p.name IN $names AND p.born = $born.born",
        "RETURN p.name AS name",
      ].join("\n"),
    });
    expect(r.ok).toBe(true);
    expect(tableOf(r)).toMatchObject({ rows: [["'Keanu Reeves'"]] });
  });

  it("never pastes a value into the query: a quote in a value is just data", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query: ':param name => "x\' OR 1=1 //"\nMATCH (p:Person {name: $name}) RETURN count(p) AS n',
    });
    expect(tableOf(r)).toMatchObject({ rows: [["0"]] });
  });

  it("keeps parameters set by cells above, and lets a cell override them", async () => {
    const above = [":param year => 1999", ":param title => 'The Matrix'"];
    const r = await run({
      dataset: "movies",
      previousQueries: above,
      query:
        ":param year => 2003\nMATCH (m:Movie) WHERE m.released = $year AND m.title STARTS WITH $title RETURN m.title AS t ORDER BY t",
    });
    expect(tableOf(r)).toMatchObject({
      rows: [["'The Matrix Reloaded'"], ["'The Matrix Revolutions'"]],
    });
  });

  it("a cell of only :param lines lists the parameters in force", async () => {
    const r = await run({
      previousQueries: [":param a => 1"],
      query: ":param name => 'Tom Hanks'",
    });
    expect(r).toMatchObject({
      ok: true,
      outputs: [{ type: "text", text: "$a = 1\n$name = 'Tom Hanks'" }],
    });
  });

  it("reports a malformed :param at its line, and a missing parameter with how to set it", async () => {
    const bad = await run({ previousQueries: [], query: "// x\n:param n => [1, 2\nRETURN $n" });
    expect(bad.ok).toBe(false);
    expect(bad.outputs[0]).toMatchObject({ type: "error", name: "ParamSyntaxError", line: 3 });
    expect(bad.markers[0]).toMatchObject({ line: 3 });
    const missing = await run({ previousQueries: [], query: "MATCH (p {name: $who}) RETURN p" });
    expect(missing.outputs[0]).toMatchObject({
      type: "error",
      name: "ParameterMissing",
      message: expect.stringMatching(/\$who.*:param who =>/),
    });
    const above = await run({
      previousQueries: [":param x => oops"],
      previousLabels: ["setup"],
      query: "RETURN 1",
    });
    expect(above.outputs[0]).toMatchObject({ name: "CellAboveFailed", causeCellId: "setup" });
  });

  it("gives a check the exercise's parameters as $params", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query: ":param name => 'Tom Hanks'\nMATCH (p:Person {name: $name}) RETURN p.born AS born",
      check:
        "RETURN $params.name = 'Tom Hanks' AND $rows[0].born = 1956 AS pass, 'ok ' + $params.name AS message",
    });
    expect(r.outputs).toEqual([{ type: "success", message: "ok Tom Hanks" }]);
  });
});

describe("runCypherCell with EXPLAIN and PROFILE", () => {
  it("EXPLAIN shows only the plan", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query: "EXPLAIN MATCH (p:Person {name: 'Tom Hanks'}) RETURN p.born",
    });
    expect(r.outputs.map((o) => o.type)).toEqual(["plan"]);
    expect(r.outputs[0]).toMatchObject({ mode: "explain", root: { operator: "ProduceResults" } });
  });

  it("PROFILE shows the rows, then the tree with db hits; an index in the same cell turns the scan into a seek", async () => {
    const profile = "PROFILE MATCH (p:Person {name: 'Tom Hanks'}) RETURN p.born AS born";
    const scan = await run({ dataset: "movies", previousQueries: [], query: profile });
    expect(scan.outputs.map((o) => o.type)).toEqual(["table", "plan"]);
    const scanPlan = scan.outputs[1];
    const seek = await run({
      dataset: "movies",
      previousQueries: [],
      query: `CREATE INDEX person_name FOR (p:Person) ON (p.name);\n${profile}`,
    });
    const seekPlan = seek.outputs.find((o) => o.type === "plan");
    const leaf = (o: typeof scanPlan) => {
      if (o?.type !== "plan") throw new Error("no plan");
      let op = o.root;
      while (op.children[0]) op = op.children[0];
      return op;
    };
    expect(leaf(scanPlan).operator).toBe("NodeByLabelScan");
    expect(leaf(seekPlan).operator).toBe("NodeIndexSeek");
    const hits = (o: typeof scanPlan) => (o?.type === "plan" ? (o.totalDbHits ?? -1) : -1);
    expect(hits(seekPlan)).toBeGreaterThan(0);
    expect(hits(seekPlan)).toBeLessThan(hits(scanPlan) / 10);
  });

  it("gives a check the plan's operators as $plan", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query: "PROFILE MATCH (p:Person {name: 'Tom Hanks'}) RETURN p.born AS born",
      check:
        "UNWIND $plan AS op WITH op WHERE op.operator = 'NodeByLabelScan' RETURN op.rows > 100 AND op.dbHits > 100 AS pass, op.details AS message",
    });
    expect(r.outputs).toEqual([{ type: "success", message: "p:Person" }]);
  });
});
