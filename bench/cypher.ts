/**
 * Movies-lesson queries through neo4j-driver against the embedded Bolt server.
 *   npm run bench:cypher -- [--json] [--iterations 50]
 * Two figures per query: "cell" (what a learner's Run costs: runCypherCell = BEGIN, load the
 * dataset, run, roll back; measured first, on an empty server) and "query" (the dataset
 * committed once, then one auto-commit query). Then "bigGraph": a 100,000-node graph committed
 * once, and a one-node lookup cell on it (goal: p50 ≤ 10 ms — a transaction costs what it
 * touches, not the size of the graph).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import neo4j from "neo4j-driver";
import { startEmbeddedCypher } from "../lib/neo4j/embedded";
import { runCypherCell } from "../lib/cells/cypher/run-cypher-cell";
import { splitStatements } from "../lib/cells/cypher/statements";

export const MOVIES_QUERIES: { name: string; query: string }[] = [
  { name: "lookup", query: "MATCH (p:Person {name: 'Tom Hanks'}) RETURN p" },
  {
    name: "pattern",
    query:
      "MATCH (p:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m:Movie) RETURN m.title AS title, m.released AS released ORDER BY released",
  },
  {
    name: "co-actors",
    query:
      "MATCH (:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(co:Person) RETURN DISTINCT co.name AS name ORDER BY name",
  },
  {
    name: "aggregation",
    query:
      "MATCH (p:Person)-[:ACTED_IN]->(m:Movie) RETURN p.name AS name, count(m) AS movies, collect(m.title)[0..3] AS some ORDER BY movies DESC, name LIMIT 10",
  },
  {
    name: "variable-length",
    query:
      "MATCH (:Person {name: 'Kevin Bacon'})-[*1..4]-(h:Person) RETURN count(DISTINCT h) AS reachable",
  },
  {
    name: "shortestPath",
    query:
      "MATCH p = shortestPath((:Person {name: 'Kevin Bacon'})-[*]-(:Person {name: 'Meg Ryan'})) RETURN p, length(p) AS hops",
  },
  {
    name: "recommendation",
    query:
      "MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(co)-[:ACTED_IN]->(m2)<-[:ACTED_IN]-(other:Person) " +
      "WHERE tom <> other AND NOT (tom)-[:ACTED_IN]->()<-[:ACTED_IN]-(other) " +
      "RETURN other.name AS recommended, count(*) AS strength ORDER BY strength DESC, recommended LIMIT 5",
  },
  { name: "graph", query: "MATCH (m:Movie {title: 'The Matrix'})<-[r]-(p:Person) RETURN m, r, p" },
];

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (n: number): number => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { json: { type: "boolean" }, iterations: { type: "string" } },
  });
  const iterations = Number(values.iterations ?? 50);
  const embedded = await startEmbeddedCypher({ password: "bench" });
  const driver = neo4j.driver(embedded.uri, neo4j.auth.basic(embedded.user, embedded.password), {
    useBigInt: true,
  });
  const time = async (fn: () => Promise<unknown>): Promise<number[]> => {
    for (let i = 0; i < 3; i++) await fn();
    const ms: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b);
  };

  // Phase 1, on an empty server: each learner run loads the dataset in its own transaction.
  const cellTimes = new Map<string, number[]>();
  for (const { name, query } of MOVIES_QUERIES) {
    cellTimes.set(
      name,
      await time(async () => {
        const r = await runCypherCell(
          { dataset: "movies", previousQueries: [], query },
          { driver },
        );
        if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.outputs[0])}`);
      }),
    );
  }

  // Phase 2: the dataset committed once, queries alone.
  const dataset = readFileSync(join(process.cwd(), "content", "datasets", "movies.cypher"), "utf8");
  for (const s of splitStatements(dataset)) await driver.executeQuery(s.text);
  const results: Record<string, unknown>[] = [];
  for (const { name, query } of MOVIES_QUERIES) {
    let rows = 0;
    const queryMs = await time(async () => {
      rows = (await driver.executeQuery(query)).records.length;
    });
    const cellMs = cellTimes.get(name)!;
    const entry = {
      query: name,
      rows,
      queryP50Ms: round(percentile(queryMs, 50)),
      queryP99Ms: round(percentile(queryMs, 99)),
      cellP50Ms: round(percentile(cellMs, 50)),
      cellP99Ms: round(percentile(cellMs, 99)),
    };
    results.push(entry);
    if (!values.json)
      console.error(
        `${name.padEnd(16)} rows ${String(rows).padStart(4)}  query p50 ${entry.queryP50Ms} ms p99 ${entry.queryP99Ms} ms  cell p50 ${entry.cellP50Ms} ms p99 ${entry.cellP99Ms} ms`,
      );
  }
  const allCells = [...cellTimes.values()].flat().sort((a, b) => a - b);
  const cells = { p50Ms: round(percentile(allCells, 50)), p99Ms: round(percentile(allCells, 99)) };

  // Phase 3: a big graph loaded once; a learner's lookup cell must not pay for its size.
  await driver.executeQuery("MATCH (n) DETACH DELETE n");
  const loadStarted = performance.now();
  for (let from = 0; from < 100_000; from += 10_000)
    await driver.executeQuery(
      "UNWIND range($from, $from + 9999) AS i CREATE (:Person {id: i, name: 'person ' + toString(i)})",
      { from: neo4j.int(from) },
    );
  const loadMs = round(performance.now() - loadStarted);
  const lookup = await time(async () => {
    const r = await runCypherCell(
      { previousQueries: [], query: "MATCH (p:Person {id: 4242}) RETURN p.name AS name" },
      { driver },
    );
    if (!r.ok) throw new Error(`big-graph lookup: ${JSON.stringify(r.outputs[0])}`);
  });
  const bigGraph = {
    nodes: 100_000,
    loadMs,
    lookupCellP50Ms: round(percentile(lookup, 50)),
    lookupCellP99Ms: round(percentile(lookup, 99)),
  };
  if (!values.json)
    console.error(
      `all cells        p50 ${cells.p50Ms} ms p99 ${cells.p99Ms} ms;  100k-node lookup cell p50 ${bigGraph.lookupCellP50Ms} ms p99 ${bigGraph.lookupCellP99Ms} ms`,
    );

  await driver.close();
  await embedded.close();
  const report = {
    bench: "cypher-bolt",
    machine: "2-core sandbox",
    date: new Date().toISOString(),
    loadAverage: loadavg().map(round),
    iterations,
    node: process.version,
    cells,
    bigGraph,
    results,
  };
  console.log(JSON.stringify(report, null, values.json ? 2 : 0));
}

main().catch((e: unknown) => {
  console.error(`bench-cypher: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
