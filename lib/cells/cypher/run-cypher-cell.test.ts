import { describe, expect, it } from "vitest";
import { setupTestBoltServer } from "@courses/cypher/bolt";
import { runCypherCell } from "./run-cypher-cell";

const bolt = setupTestBoltServer();

const run = (input: Parameters<typeof runCypherCell>[0]) =>
  runCypherCell(input, { driver: bolt.driver });

describe("runCypherCell", () => {
  it("loads the movies dataset, runs the cell and shows a table and a graph", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query:
        "MATCH (p:Person {name: 'Keanu Reeves'})-[a:ACTED_IN]->(m:Movie) RETURN p, a, m ORDER BY m.released",
    });
    expect(r.ok).toBe(true);
    const table = r.outputs.find((o) => o.type === "table");
    expect(table).toMatchObject({ type: "table", columns: ["p", "a", "m"], totalRows: 7 });
    const graph = r.outputs.find((o) => o.type === "graph");
    expect(graph?.type === "graph" && graph.nodes.length).toBe(8);
    expect(graph?.type === "graph" && graph.relationships.length).toBe(7);
  });

  it("draws the relationships between returned nodes, like Neo4j Browser", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query: "MATCH (p:Person)-[:DIRECTED]->(m:Movie {title: 'The Matrix'}) RETURN p, m",
    });
    const graph = r.outputs.find((o) => o.type === "graph");
    expect(graph?.type === "graph" && graph.nodes.length).toBe(3);
    // both directors DIRECTED it, and (in this graph) nothing else connects them
    expect(graph?.type === "graph" && graph.relationships.map((x) => x.type).sort()).toEqual([
      "DIRECTED",
      "DIRECTED",
    ]);
  });

  it("has the advertised size", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query: "MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels",
    });
    expect(r.outputs[0]).toMatchObject({ type: "table", rows: [["172", "256"]] });
  });

  it("isolates runs: writes are rolled back, earlier cells are replayed", async () => {
    const write = await run({ previousQueries: [], query: "CREATE (:Note {text: 'hello'})" });
    expect(write.outputs[0]).toMatchObject({
      type: "text",
      text: "1 node created, 1 property set, 1 label added",
    });
    const read = await run({ previousQueries: [], query: "MATCH (n:Note) RETURN count(n) AS c" });
    expect(read.outputs[0]).toMatchObject({ rows: [["0"]] });
    const replayed = await run({
      previousQueries: ["CREATE (:Note {text: 'a'}); CREATE (:Note {text: 'b'})"],
      query: "MATCH (n:Note) RETURN n.text AS t ORDER BY t",
    });
    expect(replayed.outputs[0]).toMatchObject({ rows: [["'a'"], ["'b'"]] });
    expect(bolt.server.database.run("MATCH (n) RETURN count(n) AS c").rows).toEqual([[0n]]);
  });

  it("reports syntax errors at the cell's line and column", async () => {
    const r = await run({ previousQueries: [], query: "RETURN 1;\n\nMATCH (n)\n  RETRUN n" });
    expect(r.ok).toBe(false);
    expect(r.outputs[0]).toMatchObject({ type: "error", name: "SyntaxError", line: 4, column: 3 });
    expect(r.markers[0]).toMatchObject({ line: 4, column: 3 });
  });

  it("names the earlier cell that failed", async () => {
    const r = await run({ previousQueries: ["RETURN 1", "RETURN nope"], query: "RETURN 1" });
    expect(r.outputs[0]).toMatchObject({ type: "error" });
    expect(r.outputs[0]!.type === "error" && r.outputs[0]!.message).toMatch(/Cypher cell 2 above/);
  });

  it("caps rows but counts them all", async () => {
    const r = await run({
      previousQueries: [],
      query: "UNWIND range(1, 2500) AS i RETURN i",
      rowCap: 1000,
    });
    const table = r.outputs.find((o) => o.type === "table");
    expect(table).toMatchObject({ totalRows: 2500 });
    expect(table?.type === "table" && table.rows.length).toBe(1000);
    expect(table?.type === "table" && table.caption).toMatch(/first 1,000 of 2,500/);
  });

  it("caps the serialised output at 1 MB (40 KB strings in 1,000 rows were a 40 MB answer)", async () => {
    const r = await run({
      previousQueries: [],
      query:
        // 10 KB strings in 1,000 rows: 10 MB, under the engine's 16 MB result cap, far over the cell's
        // 1 MB. The string is built once: the cap is about the answer's size, not the engine's speed.
        "WITH reduce(s = '', k IN range(1, 1000) | s + 'xxxxxxxxxx') AS big UNWIND range(1, 1000) AS i RETURN i, big",
    });
    expect(r.ok).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(r.outputs))).toBeLessThanOrEqual(1_000_000);
    const table = r.outputs.find((o) => o.type === "table");
    expect(table?.type === "table" && table.totalRows).toBe(1000);
    expect(table?.type === "table" && table.rows.length).toBeGreaterThan(50);
    expect(r.outputs.at(-1)).toMatchObject({
      type: "text",
      stream: "info",
      text: expect.stringMatching(/shortened.*only the first \d+ rows/),
    });
  });

  it("stops runaway queries with a timeout message", async () => {
    const started = Date.now();
    const r = await run({
      dataset: "movies",
      previousQueries: [],
      query:
        "MATCH (a:Person), (b:Person), (c:Person), (d:Person) WHERE a.born + b.born + c.born + d.born < 0 RETURN count(*)",
      timeoutMs: 500,
    });
    expect(r.ok).toBe(false);
    expect(r.outputs[0]).toMatchObject({ type: "error", name: "Timeout" });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("names a cell above that timed out while replayed instead of timing out itself", async () => {
    const r = await run({
      dataset: "movies",
      previousQueries: [
        "MATCH (a:Person), (b:Person), (c:Person), (d:Person) WHERE a.born + b.born + c.born + d.born < 0 RETURN count(*)",
      ],
      previousLabels: ["slow-cell"],
      query: "RETURN 1 AS one",
      timeoutMs: 500,
    });
    expect(r.ok).toBe(false);
    expect(r.outputs).toEqual([
      {
        type: "error",
        name: "CellAboveTimedOut",
        message: expect.stringMatching(/^The Cypher cell "slow-cell" above took longer than 0.5 s/),
        causeCellId: "slow-cell",
      },
    ]);
    const failed = await run({
      previousQueries: ["RETURN nope"],
      previousLabels: ["broken"],
      query: "RETURN 1",
    });
    expect(failed.outputs[0]).toMatchObject({ name: "CellAboveFailed", causeCellId: "broken" });
    expect(failed.markers).toEqual([]);
  });

  it("never cites a position in the hidden check query", async () => {
    const r = await run({
      previousQueries: [],
      query: "RETURN 1 AS x",
      check: "RETURN 1 AS one,\n  nope AS pass",
    });
    expect(r.ok).toBe(false);
    expect(r.outputs).toEqual([
      {
        type: "error",
        name: "CheckError",
        message: expect.stringMatching(/^The lesson's check could not run on your result: /),
      },
    ]);
    expect(r.markers).toEqual([]);
  });

  it("refuses unknown datasets and path tricks", async () => {
    for (const dataset of ["nope", "../secrets"]) {
      const r = await run({ dataset, previousQueries: [], query: "RETURN 1" });
      expect(r.outputs[0]).toMatchObject({ type: "error", name: "UnknownDataset" });
    }
  });

  it("runs check queries against the exercise's rows", async () => {
    const exercise =
      "MATCH (:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m:Movie) RETURN m.title AS title";
    const pass = await run({
      dataset: "movies",
      previousQueries: [],
      query: exercise,
      check:
        "RETURN size($rows) = 12 AND 'Cast Away' IN [r IN $rows | r.title] AS pass, 'Tom Hanks acted in 12 movies' AS message",
    });
    expect(pass.outputs).toEqual([{ type: "success", message: "Tom Hanks acted in 12 movies" }]);
    const fail = await run({
      dataset: "movies",
      previousQueries: [],
      query: exercise + " LIMIT 3",
      check: "RETURN size($rows) = 12 AS pass, 'Expected 12 movies' AS message",
    });
    expect(fail.ok).toBe(false);
    expect(fail.outputs).toEqual([
      { type: "error", name: "CheckFailed", message: "Expected 12 movies" },
    ]);
  });
});
