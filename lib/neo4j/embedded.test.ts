import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { startEmbeddedCypher } from "./embedded";
import { runCypherCell } from "../cells/cypher/run-cypher-cell";

describe("startEmbeddedCypher", () => {
  it("runs the server in a supervised child process that comes back after a crash", async () => {
    const embedded = await startEmbeddedCypher({ log: () => {} });
    expect(embedded.uri).toMatch(/^bolt:\/\/127\.0\.0\.1:\d+$/);
    expect(embedded.password.length).toBeGreaterThanOrEqual(16);
    const driver = neo4j.driver(embedded.uri, neo4j.auth.basic(embedded.user, embedded.password), {
      useBigInt: true,
    });
    try {
      expect((await driver.executeQuery("RETURN 40 + 2 AS x")).records[0]!.get("x")).toBe(42n);
      // Find the child by the port it listens on and kill it hard, as an out-of-memory crash would.
      const pid = embedded.pid()!;
      process.kill(pid, "SIGKILL");
      const deadline = Date.now() + 15_000;
      let answer: unknown = null;
      while (Date.now() < deadline) {
        try {
          answer = (await driver.executeQuery("RETURN 1 AS x")).records[0]!.get("x");
          if (answer === 1n && embedded.pid()! !== pid) break;
        } catch {
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      expect(answer).toBe(1n);
      const intruder = neo4j.driver(embedded.uri, neo4j.auth.basic(embedded.user, "wrong"));
      await expect(intruder.getServerInfo()).rejects.toMatchObject({
        code: "Neo.ClientError.Security.Unauthorized",
      });
      await intruder.close();
    } finally {
      await driver.close();
      await embedded.close();
    }
  }, 60_000);
});

describe("the embedded server's watchdog", () => {
  it("restarts a server that stops answering, and the next cell runs", async () => {
    const embedded = await startEmbeddedCypher({ log: () => {} });
    const driver = neo4j.driver(embedded.uri, neo4j.auth.basic(embedded.user, embedded.password), {
      useBigInt: true,
    });
    try {
      expect(
        (await runCypherCell({ previousQueries: [], query: "RETURN 1 AS x" }, { driver })).ok,
      ).toBe(true);
      const pid = embedded.pid()!;
      // Freeze it mid-flight: to the outside this is exactly an event loop stuck in a query.
      process.kill(pid, "SIGSTOP");
      const first = await runCypherCell(
        { previousQueries: [], query: "UNWIND range(1, 10) AS x RETURN x", timeoutMs: 500 },
        { driver },
      );
      expect(first.outputs[0]).toMatchObject({ type: "error", name: "Timeout" });
      // The restarted child boots its query workers (~3 s on a loaded 2-core machine) before it answers.
      const next = await runCypherCell(
        { previousQueries: [], query: "RETURN 2 AS x", timeoutMs: 15_000 },
        { driver },
      );
      expect(next.outputs[0], JSON.stringify(next.outputs[0])).toMatchObject({
        type: "table",
        rows: [["2"]],
      });
      expect(embedded.pid()).not.toBe(pid);
    } finally {
      await driver.close();
      await embedded.close();
    }
  }, 60_000);
});
