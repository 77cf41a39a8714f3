import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { LOG_FILE, loadDatabase } from "./persistence";

const ROOT = resolve(import.meta.dirname, "../../../..");

function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((res, rej) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "scripts/cypher-server.ts"),
        "--port",
        "0",
        "--password",
        "pw",
        "--data",
        dataDir,
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /ready port=(\d+)/.exec(out);
      if (m) res({ child, port: Number(m[1]) });
    });
    child.on("exit", (code) =>
      rej(new Error(`server exited (${code}) before it was ready: ${out}`)),
    );
  });
}

describe("crash safety with --data", () => {
  it("after kill -9 during commits, a restart has every acknowledged commit and nothing torn", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cypher-crash-"));
    const acked = new Set<number>();
    const attempted = new Set<number>();
    let next = 0;
    for (let round = 0; round < 2; round++) {
      const { child, port } = await startServer(dir);
      const driver = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic("neo4j", "pw"), {
        maxTransactionRetryTime: 0,
      });
      let killed = false;
      const writers = Array.from({ length: 4 }, async () => {
        while (!killed) {
          const i = next++;
          attempted.add(i);
          try {
            // two nodes and a relationship per commit: a torn commit would show as a lone node
            await driver.executeQuery("CREATE (:C {i: $i})-[:PAIR]->(:D {i: $i})", { i });
            if (!killed) acked.add(i);
          } catch {
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 1500));
      killed = true;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      await Promise.all(writers);
      await driver.close().catch(() => {});
    }
    const { child, port } = await startServer(dir);
    const driver = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic("neo4j", "pw"));
    try {
      const { records } = await driver.executeQuery(
        "MATCH (c:C) OPTIONAL MATCH (c)-[:PAIR]->(d:D) RETURN c.i AS i, d.i AS j",
      );
      const present = records.map((r) => Number(r.get("i")));
      expect(acked.size).toBeGreaterThan(10);
      for (const i of acked) expect(present).toContain(i);
      for (const i of present) expect(attempted.has(i)).toBe(true);
      expect(new Set(present).size).toBe(present.length);
      for (const r of records) expect(r.get("j")).toEqual(r.get("i"));
      const lone = await driver.executeQuery(
        "MATCH (d:D) WHERE NOT ()-[:PAIR]->(d) RETURN count(d) AS n",
      );
      expect(lone.records[0]!.get("n").toNumber()).toBe(0);
    } finally {
      await driver.close();
      child.kill("SIGKILL");
    }
  }, 120_000);

  it("ignores and cuts off a torn last line of the commit log", () => {
    const dir = mkdtempSync(join(tmpdir(), "cypher-torn-"));
    const line = (c: number, id: string) =>
      JSON.stringify({
        c,
        d: {
          nodes: [{ id, labels: ["L"], properties: {} }],
          rels: [],
          deletedNodes: [],
          deletedRels: [],
          nextNodeId: String(Number(id) + 1),
          nextRelId: "0",
        },
      }) + "\n";
    appendFileSync(join(dir, LOG_FILE), line(1, "0") + line(2, "1") + line(3, "2").slice(0, 25));
    const db = loadDatabase(dir);
    expect(db.run("MATCH (n:L) RETURN count(n) AS c").rows).toEqual([[2n]]);
    expect(readFileSync(join(dir, LOG_FILE), "utf8")).toBe(line(1, "0") + line(2, "1"));
  });
});
