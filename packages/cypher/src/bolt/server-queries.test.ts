import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { setupTestBoltServer } from "./test-server";
import { CypherDatabase } from "../database";
import { startBoltServer } from "./server";

const bolt = setupTestBoltServer();

describe("queries through neo4j-driver", () => {
  it("returns typed values: integers, floats, strings, lists, maps, nodes, relationships, paths", async () => {
    bolt.server.replaceDatabase(new CypherDatabase());
    const { records } = await bolt.driver.executeQuery(
      "CREATE p = (a:Person {name: 'Ann', age: 42})-[r:KNOWS {since: 2001}]->(b:Person {name: 'Bob'}) RETURN 1 AS i, 1.5 AS f, 'x' AS s, [1, 'a'] AS l, {k: true} AS m, a, r, p",
    );
    const rec = records[0]!;
    expect(rec.get("i")).toBe(1n);
    expect(rec.get("f")).toBe(1.5);
    expect(rec.get("s")).toBe("x");
    expect(rec.get("l")).toEqual([1n, "a"]);
    expect(rec.get("m")).toEqual({ k: true });
    const a = rec.get("a");
    expect(a.labels).toEqual(["Person"]);
    expect(a.properties).toEqual({ name: "Ann", age: 42n });
    expect(a.elementId).toMatch(/^4:courses:/);
    const r = rec.get("r");
    expect(r.type).toBe("KNOWS");
    expect(r.startNodeElementId).toBe(a.elementId);
    const p = rec.get("p");
    expect(p.segments.length).toBe(1);
    expect(p.end.properties.name).toBe("Bob");
  });

  it("round-trips temporal values as driver temporal types", async () => {
    const params = {
      d: new neo4j.types.Date(2015, 7, 21),
      lt: new neo4j.types.LocalTime(12, 31, 14, 645876123),
      t: new neo4j.types.Time(12, 31, 14, 0, 3600),
      ldt: new neo4j.types.LocalDateTime(2015, 7, 21, 21, 40, 32, 142000000),
      dt: new neo4j.types.DateTime(2015, 7, 21, 21, 40, 32, 142000000, 3600),
      zdt: new neo4j.types.DateTime(2015, 7, 21, 21, 40, 32, 0, 7200, "Europe/Stockholm"),
      du: new neo4j.types.Duration(14, 3, 45296, 1),
    };
    const { records } = await bolt.driver.executeQuery(
      "RETURN $d AS d, $lt AS lt, $t AS t, $ldt AS ldt, $dt AS dt, $zdt AS zdt, $du AS du",
      params,
    );
    const rec = records[0]!;
    expect(rec.get("d").toString()).toBe("2015-07-21");
    expect(rec.get("lt").toString()).toBe("12:31:14.645876123");
    expect(rec.get("t").toString()).toBe("12:31:14+01:00");
    expect(rec.get("ldt").toString()).toBe("2015-07-21T21:40:32.142000000");
    expect(rec.get("dt").toString()).toBe("2015-07-21T21:40:32.142000000+01:00");
    expect(rec.get("zdt").toString()).toBe("2015-07-21T21:40:32+02:00[Europe/Stockholm]");
    expect(rec.get("du").toString()).toBe("P1Y2M3DT12H34M56.000000001S");
  });

  it("passes parameters of every kind", async () => {
    const { records } = await bolt.driver.executeQuery(
      "RETURN $i + 1 AS i, $list AS l, $map.k AS k, $d AS d",
      {
        i: neo4j.int(41),
        list: [1.5, "s", null],
        map: { k: "v" },
        d: new neo4j.types.Date(2020, 2, 29),
      },
    );
    expect(records[0]!.get("i")).toBe(42n);
    expect(records[0]!.get("l")).toEqual([1.5, "s", null]);
    expect(records[0]!.get("k")).toBe("v");
    expect(records[0]!.get("d").toString()).toBe("2020-02-29");
  });

  it("streams large results in batches (PULL n / has_more)", async () => {
    const session = bolt.driver.session({ fetchSize: 100 });
    const result = await session.run("UNWIND range(1, 2345) AS x RETURN x");
    expect(result.records.length).toBe(2345);
    expect(result.records.at(-1)!.get("x")).toBe(2345n);
    await session.close();
  });

  it("reports statistics and query type", async () => {
    bolt.server.replaceDatabase(new CypherDatabase());
    const { summary } = await bolt.driver.executeQuery("CREATE (:A {x: 1}), (:A)");
    expect(summary.counters.updates().nodesCreated).toBe(2);
    expect(summary.counters.updates().propertiesSet).toBe(1);
    expect(summary.queryType).toBe("w");
  });

  it("maps explicit transactions to engine transactions", async () => {
    bolt.server.replaceDatabase(new CypherDatabase());
    const s1 = bolt.driver.session();
    const tx = await s1.beginTransaction();
    await tx.run("CREATE (:T {v: 1})");
    expect((await tx.run("MATCH (t:T) RETURN count(t) AS c")).records[0]!.get("c")).toBe(1n);
    // invisible to others until commit
    expect(
      (await bolt.driver.executeQuery("MATCH (t:T) RETURN count(t) AS c")).records[0]!.get("c"),
    ).toBe(0n);
    await tx.commit();
    expect(
      (await bolt.driver.executeQuery("MATCH (t:T) RETURN count(t) AS c")).records[0]!.get("c"),
    ).toBe(1n);
    const tx2 = await s1.beginTransaction();
    await tx2.run("CREATE (:T {v: 2})");
    await tx2.rollback();
    expect(
      (await bolt.driver.executeQuery("MATCH (t:T) RETURN count(t) AS c")).records[0]!.get("c"),
    ).toBe(1n);
    await s1.close();
  });

  it("fails with Neo4j status codes, a position and the TCK detail, then recovers", async () => {
    const session = bolt.driver.session();
    const error = await session.run("RETURN nope").then(
      () => null,
      (e: unknown) => e as InstanceType<typeof neo4j.Neo4jError>,
    );
    expect(error?.code).toBe("Neo.ClientError.Statement.SyntaxError");
    expect(error?.diagnosticRecord).toMatchObject({
      _cypher_type: "SyntaxError",
      _cypher_phase: "compile time",
      _cypher_detail: "UndefinedVariable",
    });
    // the connection was RESET and serves the next query
    expect((await session.run("RETURN 2 AS x")).records[0]!.get("x")).toBe(2n);
    await session.close();
  });

  it("rolls back the open transaction of a client that disconnects abruptly", async () => {
    bolt.server.replaceDatabase(new CypherDatabase());
    const other = neo4j.driver(
      `bolt://127.0.0.1:${bolt.server.port}`,
      neo4j.auth.basic("neo4j", "pw"),
    );
    const session = other.session();
    const tx = await session.beginTransaction();
    await tx.run("CREATE (:Lost)");
    await other.close(); // closes the socket without COMMIT
    expect(
      (await bolt.driver.executeQuery("MATCH (n:Lost) RETURN count(n) AS c")).records[0]!.get("c"),
    ).toBe(0n);
  });

  it("serves many concurrent sessions", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        bolt.driver.executeQuery("UNWIND range(1, $n) AS x RETURN sum(x) AS s", {
          n: neo4j.int(i + 1),
        }),
      ),
    );
    results.forEach((r, i) => expect(r.records[0]!.get("s")).toBe(BigInt(((i + 1) * (i + 2)) / 2)));
  });
});

describe("--data persistence", () => {
  it("keeps committed writes across a restart, written atomically", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cypher-data-"));
    const first = await startBoltServer({ port: 0, user: "u", password: "p", dataDir: dir });
    const d1 = neo4j.driver(`bolt://127.0.0.1:${first.port}`, neo4j.auth.basic("u", "p"));
    await d1.executeQuery("CREATE (:Kept {name: 'yes'})");
    const s = d1.session();
    const tx = await s.beginTransaction();
    await tx.run("CREATE (:Dropped)");
    await tx.rollback();
    await s.close();
    await d1.close();
    await first.close();
    expect(readdirSync(dir)).toEqual(["graph.json"]);

    const second = await startBoltServer({ port: 0, user: "u", password: "p", dataDir: dir });
    const d2 = neo4j.driver(`bolt://127.0.0.1:${second.port}`, neo4j.auth.basic("u", "p"));
    const { records } = await d2.executeQuery("MATCH (n) RETURN labels(n) AS l, n.name AS name");
    expect(records.map((r) => [r.get("l"), r.get("name")])).toEqual([[["Kept"], "yes"]]);
    await d2.close();
    await second.close();
  });
});
