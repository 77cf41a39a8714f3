import { describe, expect, it } from "vitest";
import { CypherDatabase } from "./database";
import { prepareQuery } from "./engine";

describe("the prepared-query cache", () => {
  it("parses a text once and serves every later run from the cache", () => {
    const text = "MATCH (n:CacheProbe) RETURN count(n) AS c";
    expect(prepareQuery(text)).toBe(prepareQuery(text));
  });

  it("does not keep a query that failed to compile", () => {
    const text = "MATCH (n RETURN n";
    expect(() => prepareQuery(text)).toThrow();
    expect(() => prepareQuery(text)).toThrow();
  });

  it("gives the same results when one cached query runs again and again (execution does not change it)", () => {
    const db = new CypherDatabase();
    const dataset =
      "CREATE (a:P {name: 'a'})-[:K {w: 1}]->(b:P {name: 'b'}), (b)-[:K {w: 2}]->(c:P {name: 'c'})";
    const query =
      "MATCH p = (x:P)-[:K*]->(y:P) WITH x, y, reduce(s = 0, r IN relationships(p) | s + r.w) AS w " +
      "RETURN x.name AS x, y.name AS y, w ORDER BY w, x, y";
    const runs = Array.from({ length: 3 }, () => {
      const tx = db.beginTransaction();
      const created = tx.run(dataset).stats;
      const rows = tx.run(query).rows;
      tx.rollback();
      return { created, rows };
    });
    expect(runs[0]!.created.nodesCreated).toBe(3);
    expect(runs[0]!.rows).toEqual([
      ["a", "b", 1n],
      ["b", "c", 2n],
      ["a", "c", 3n],
    ]);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    expect(db.run("MATCH (n) RETURN count(n) AS c").rows).toEqual([[0n]]);
  });
});
