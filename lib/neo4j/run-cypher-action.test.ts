import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetRateLimiters } from "../auth/rate-limit";
import { startBoltServer, type BoltServer } from "../cypher/bolt/server";
import { parseNeo4jConfig } from "./config";
import { closeDriver } from "./driver";
import { runCypherAction } from "./run-cypher-action";

let server: BoltServer;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startBoltServer({ port: 0, user: "neo4j", password: "s3cret" });
  // The app's path: NEO4J_* in the environment, the one driver built from them.
  process.env.NEO4J_URI = `bolt://127.0.0.1:${server.port}`;
  process.env.NEO4J_USER = "neo4j";
  process.env.NEO4J_PASSWORD = "s3cret";
});
afterAll(async () => {
  await closeDriver();
  await server.close();
  process.env = saved;
});

describe("runCypherAction", () => {
  it("runs a cell through the configured driver, replaying earlier cells", async () => {
    const r = await runCypherAction({
      lessonKey: "graph-queries/01-first-queries/01-match-and-return",
      cellId: "q2",
      code: "MATCH (n:Step) RETURN n.i AS i ORDER BY i",
      previousCells: [{ id: "q1", code: "UNWIND [1, 2] AS i CREATE (:Step {i: i})" }],
    });
    expect(r.ok).toBe(true);
    expect(r.outputs[0]).toMatchObject({ type: "table", columns: ["i"], rows: [["1"], ["2"]] });
  });

  it("checks an exercise with its check query", async () => {
    const r = await runCypherAction({
      lessonKey: "l",
      cellId: "e",
      code: "RETURN 42 AS answer",
      previousCells: [],
      check: "RETURN $rows[0].answer = 42 AS pass, 'The answer is 42' AS message",
    });
    expect(r.outputs).toEqual([{ type: "success", message: "The answer is 42" }]);
  });

  it("refuses malformed input with a clear message instead of throwing", async () => {
    const r = await runCypherAction({ lessonKey: "", cellId: "x", code: "RETURN 1", previousCells: [], dataset: "../etc/passwd" });
    expect(r.ok).toBe(false);
    expect(r.outputs[0]).toMatchObject({ type: "error", name: "InvalidRequest" });
    expect(r.outputs[0]!.type === "error" && r.outputs[0]!.message).toMatch(/lessonKey/);
    expect(r.outputs[0]!.type === "error" && r.outputs[0]!.message).toMatch(/dataset/);
    const notAnObject = await runCypherAction(null as never);
    expect(notAnObject.ok).toBe(false);
  });
});

describe("runCypherAction rate limit", () => {
  it("refuses a flood of runs from one client with a clear message", async () => {
    process.env.CYPHER_RATE_LIMIT_PER_MINUTE = "50";
    resetRateLimiters();
    const results = await Promise.all(Array.from({ length: 80 }, () => runCypherAction({ lessonKey: "", cellId: "", code: "", previousCells: [] })));
    delete process.env.CYPHER_RATE_LIMIT_PER_MINUTE;
    resetRateLimiters();
    const limited = results.filter((r) => r.outputs[0]?.type === "error" && r.outputs[0].name === "TooManyRuns");
    expect(limited.length).toBe(80 - 50);
    expect(limited[0]!.outputs[0]).toMatchObject({ message: expect.stringMatching(/try again in \d+ s/) });
  });
});

describe("parseNeo4jConfig", () => {
  it("defaults the user and rejects URIs that are not Bolt", () => {
    expect(parseNeo4jConfig({})).toEqual({ uri: undefined, user: "neo4j", password: undefined, database: undefined });
    expect(parseNeo4jConfig({ NEO4J_URI: "neo4j+s://x.databases.neo4j.io", NEO4J_PASSWORD: "p" }).uri).toBe("neo4j+s://x.databases.neo4j.io");
    expect(() => parseNeo4jConfig({ NEO4J_URI: "http://localhost:7474" })).toThrow(/NEO4J_URI/);
    expect(parseNeo4jConfig({ NEO4J_URI: "" }).uri).toBeUndefined();
  });
});
