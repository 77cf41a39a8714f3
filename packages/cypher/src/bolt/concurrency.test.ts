import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CypherDatabase } from "../database";
import { startBoltServer, type BoltServer } from "./server";

let server: BoltServer;
const drivers: Driver[] = [];
const client = (): Driver => {
  const d = neo4j.driver(`bolt://127.0.0.1:${server.port}`, neo4j.auth.basic("neo4j", "pw"), {
    useBigInt: true,
    maxTransactionRetryTime: 60_000,
  });
  drivers.push(d);
  return d;
};
const count = async (label: string): Promise<bigint> =>
  (await client().executeQuery(`MATCH (n:${label}) RETURN count(n) AS c`)).records[0]!.get(
    "c",
  ) as bigint;

beforeAll(async () => {
  server = await startBoltServer({
    port: 0,
    user: "neo4j",
    password: "pw",
    engine: { minWorkers: 3, maxWorkers: 4 },
  });
}, 60_000);
afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await server.close();
});
beforeEach(() => server.replaceDatabase(new CypherDatabase()));

describe("no committed write is lost", () => {
  it("20 clients × 100 CREATEs in managed transactions make 2,000 nodes", async () => {
    const clients = Array.from({ length: 20 }, client);
    await Promise.all(
      clients.map((d, i) =>
        d.executeQuery("UNWIND range(1, 100) AS x CREATE (:N {i: $i, x: x})", { i: neo4j.int(i) }),
      ),
    );
    expect(await count("N")).toBe(2000n);
  });

  it("20 clients × 100 auto-commit CREATEs make 2,000 nodes", async () => {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const s = client().session();
        for (let k = 0; k < 10; k++)
          await s.run("UNWIND range(1, 10) AS x CREATE (:A {i: $i, x: x})", { i: neo4j.int(i) });
        await s.close();
      }),
    );
    expect(await count("A")).toBe(2000n);
    // the main thread's copy (persistence, new workers) holds them too
    expect(server.database.run("MATCH (n:A) RETURN count(n) AS c").rows).toEqual([[2000n]]);
  });

  it("interleaved explicit transactions: the later commit fails with a transient error, nothing is overwritten", async () => {
    const [s1, s2] = [client().session(), client().session()];
    const t1 = await s1.beginTransaction();
    const t2 = await s2.beginTransaction();
    await t1.run("CREATE (:T {by: 1})");
    await t2.run("CREATE (:T {by: 2})");
    await t1.commit();
    const err = await t2.commit().then(
      () => null,
      (e: unknown) => e as { code?: string; retryable?: boolean },
    );
    expect(err?.code).toBe("Neo.TransientError.Transaction.Outdated");
    expect(err?.retryable).toBe(true);
    await Promise.all([s1.close(), s2.close()]);
    const { records } = await client().executeQuery("MATCH (t:T) RETURN t.by AS by");
    expect(records.map((r) => r.get("by"))).toEqual([1n]);
  });

  it("read-modify-write across statements by concurrent managed transactions counts every increment", async () => {
    await client().executeQuery("CREATE (:Counter {n: 0})");
    const workers = Array.from({ length: 4 }, client);
    await Promise.all(
      workers.map(async (d) => {
        const s = d.session();
        await s.executeWrite(async (tx) => {
          const n = (await tx.run("MATCH (c:Counter) RETURN c.n AS n")).records[0]!.get(
            "n",
          ) as bigint;
          await new Promise((r) => setTimeout(r, 20)); // let the others read the same value
          await tx.run("MATCH (c:Counter) SET c.n = $n", { n: n + 1n });
        });
        await s.close();
      }),
    );
    const { records } = await client().executeQuery("MATCH (c:Counter) RETURN c.n AS n");
    expect(records[0]!.get("n")).toBe(4n);
  }, 60_000);

  it("a reader keeps its snapshot while a writer commits; new readers see the commit", async () => {
    const reader = client().session({ defaultAccessMode: neo4j.session.READ });
    const tx = await reader.beginTransaction();
    expect((await tx.run("MATCH (n:W) RETURN count(n) AS c")).records[0]!.get("c")).toBe(0n);
    await client().executeQuery("UNWIND range(1, 50) AS x CREATE (:W {x: x})");
    expect((await tx.run("MATCH (n:W) RETURN count(n) AS c")).records[0]!.get("c")).toBe(0n);
    await tx.commit();
    await reader.close();
    expect(await count("W")).toBe(50n);
  });

  it("readers running beside a stream of writers always see whole commits", async () => {
    const writer = (async () => {
      for (let i = 0; i < 30; i++)
        await client().executeQuery("CREATE (:P {i: $i})-[:R]->(:Q {i: $i})", { i: neo4j.int(i) });
    })();
    const seen: [bigint, bigint][] = [];
    const reader = client();
    let done = false;
    void writer.finally(() => (done = true));
    while (!done) {
      const r = (
        await reader.executeQuery(
          "MATCH (p:P) WITH count(p) AS p OPTIONAL MATCH (q:Q) RETURN p, count(q) AS q",
        )
      ).records[0]!;
      seen.push([r.get("p") as bigint, r.get("q") as bigint]);
    }
    await writer;
    for (const [p, q] of seen) expect(p).toBe(q);
    expect(await count("P")).toBe(30n);
  });
});
