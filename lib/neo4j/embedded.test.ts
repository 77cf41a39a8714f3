import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
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

  it("does not outlive an app process killed outright", async () => {
    // The app as a process of its own (server-only resolves as in Next's server bundles).
    const app = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const { startEmbeddedCypher } = await import(${JSON.stringify(path.resolve("lib/neo4j/embedded.ts"))});
         const cypher = await startEmbeddedCypher({ log: () => {} });
         console.log("child " + cypher.pid());
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const child = await new Promise<number>((resolve, reject) => {
      let out = "";
      app.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /child (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      app.on("exit", (code) => reject(new Error(`the app exited first (${code}): ${out}`)));
    });
    // Running or sleeping; an exited child that nobody reaped yet (a zombie) does not count.
    const alive = (pid: number) => {
      try {
        return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
      } catch {
        return false;
      }
    };
    expect(alive(child)).toBe(true);
    app.kill("SIGKILL");
    const deadline = Date.now() + 10_000;
    while (alive(child) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(child)) process.kill(child, "SIGKILL");
    expect(alive(child)).toBe(false);
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
