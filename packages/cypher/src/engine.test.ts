import { describe, it, expect } from "vitest";
import { CypherDatabase } from "./database";
import { formatValue } from "./values";
import { CypherError } from "./errors";

const rows = (db: CypherDatabase, q: string, p?: Record<string, never>): string[] =>
  db.run(q, p).rows.map((r) => r.map(formatValue).join(" | "));

describe("expressions", () => {
  const db = new CypherDatabase();
  it("follows null and type semantics", () => {
    expect(
      rows(
        db,
        "RETURN null = null AS a, 1 = 1.0 AS b, [1, null] = [1, 2] AS c, 7 / 2 AS d, 7 / 2.0 AS e",
      ),
    ).toEqual(["null | true | null | 3 | 3.5"]);
    expect(rows(db, "RETURN 'a' + 1 AS s, [1] + 2 AS l, 2 ^ 3 AS p, -7 % 3 AS m")).toEqual([
      "'a1' | [1, 2] | 8.0 | -1",
    ]);
    expect(() => db.run("RETURN 9223372036854775807 + 1")).toThrow(CypherError);
  });
  it("reports missing parameters before running", () => {
    expect(() => db.run("MATCH (n:Nothing) RETURN $x")).toThrow(
      expect.objectContaining({ type: "ParameterMissing", phase: "compile time" }) as Error,
    );
    expect(rows(db, "RETURN $x + 1 AS y", { x: 1n } as never)).toEqual(["2"]);
  });
  it("evaluates comprehensions, quantifiers and CASE", () => {
    expect(
      rows(
        db,
        "RETURN [x IN range(1, 5) WHERE x % 2 = 1 | x * 10] AS l, all(x IN [1, 2] WHERE x > 0) AS a, CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END AS c",
      ),
    ).toEqual(["[10, 30, 50] | true | 'two'"]);
  });
  it("formats values like Neo4j", () => {
    expect(rows(db, "RETURN 1.0 AS a, 1e20 AS b, 'it\\'s' AS c, {k: [1, null]} AS d")).toEqual([
      "1.0 | 1.0E20 | 'it\\'s' | {k: [1, null]}",
    ]);
    const g = new CypherDatabase();
    g.run("CREATE ({num: 1})-[:T {w: 2}]->(:L:M)");
    expect(rows(g, "MATCH p = ()-->() RETURN p")).toEqual(["<({num: 1})-[:T {w: 2}]->(:L:M)>"]);
  });
  it("handles temporal values", () => {
    expect(
      rows(
        db,
        "RETURN date('2015-07-21') + duration('P1M') AS d, datetime({year: 1984, month: 10, day: 11, hour: 12, timezone: 'Europe/Stockholm'}) AS z",
      ),
    ).toEqual(["'2015-08-21' | '1984-10-11T12:00+01:00[Europe/Stockholm]'"]);
    expect(
      rows(db, "RETURN duration.between(date('1984-10-11'), date('2015-06-24')) AS d"),
    ).toEqual(["'P30Y8M13D'"]);
  });
});

describe("matching and writes", () => {
  it("creates, matches with indexes, aggregates and deletes", () => {
    const db = new CypherDatabase();
    const r = db.run("UNWIND range(1, 50) AS i CREATE (:P {id: i})-[:NEXT]->(:Q {id: i})");
    expect(r.stats.nodesCreated).toBe(100);
    expect(r.stats.relationshipsCreated).toBe(50);
    expect(rows(db, "MATCH (p:P {id: 7})-[:NEXT]->(q) RETURN q.id")).toEqual(["7"]);
    expect(rows(db, "MATCH (p:P) RETURN count(p) AS c, sum(p.id) AS s")).toEqual(["50 | 1275"]);
    expect(() => db.run("MATCH (p:P {id: 1}) DELETE p")).toThrow(/still has relationships/);
    expect(db.run("MATCH (p:P {id: 1}) DETACH DELETE p").stats.nodesDeleted).toBe(1);
    expect(
      rows(db, "MATCH p = shortestPath((a:P {id: 2})-[*]-(b:Q {id: 2})) RETURN length(p)"),
    ).toEqual(["1"]);
  });
  it("evaluates EXISTS and COUNT subqueries and unit CALL subqueries", () => {
    const db = new CypherDatabase();
    db.run("CREATE (a:A {n: 1})-[:R]->(:B {n: 2}), (a)-[:R]->(:B {n: 3})");
    expect(
      rows(db, "MATCH (a:A) WHERE EXISTS { MATCH (a)-->(b:B) WHERE b.n > 2 } RETURN a.n"),
    ).toEqual(["1"]);
    expect(
      rows(db, "MATCH (a:A) WHERE EXISTS { MATCH (a)-->(b:B) WHERE b.n > 5 } RETURN a.n"),
    ).toEqual([]);
    expect(rows(db, "MATCH (a:A) RETURN COUNT { (a)-->() } AS c")).toEqual(["2"]);
    expect(rows(db, "UNWIND [1, 2] AS x CALL { CREATE (:Z) } RETURN count(*) AS c")).toEqual(["2"]);
    expect(db.run("CREATE (:Q)").rows).toEqual([]);
  });
  it("runs FOREACH bodies per element", () => {
    const db = new CypherDatabase();
    db.run("CREATE (:A {n: 0})");
    expect(
      rows(
        db,
        "MATCH (a:A) FOREACH (x IN [1, 2, 3] | CREATE (a)-[:HAS]->(:Item {v: x}) SET a.n = a.n + x) RETURN a.n",
      ),
    ).toEqual(["6"]);
    expect(rows(db, "MATCH (:A)-->(i:Item) RETURN i.v ORDER BY i.v")).toEqual(["1", "2", "3"]);
    expect(() => db.run("FOREACH (x IN [1] | MATCH (n) RETURN n)")).toThrow(
      /Only updating clauses/,
    );
  });
  it("matches label alternatives (:A|B) as either label", () => {
    const db = new CypherDatabase();
    db.run("CREATE (:A {n: 1}), (:B {n: 2}), (:C {n: 3}), (:A:B {n: 4})");
    expect(rows(db, "MATCH (x:A|B) RETURN x.n ORDER BY x.n")).toEqual(["1", "2", "4"]);
    expect(rows(db, "MATCH (x:A:B) RETURN x.n")).toEqual(["4"]);
  });
  it("runs clauses eagerly (creations are not seen by the MATCH before them) and allows WITH * on an empty scope", () => {
    const db = new CypherDatabase();
    db.run("CREATE (), ()");
    expect(db.run("MATCH () CREATE () WITH * MATCH () CREATE ()").stats.nodesCreated).toBe(10);
    expect(() => db.run("MATCH () RETURN *")).toThrow(/no variables in scope/);
  });
  it("merges and sets", () => {
    const db = new CypherDatabase();
    db.run("MERGE (a:A {k: 1}) ON CREATE SET a.created = true");
    db.run("MERGE (a:A {k: 1}) ON MATCH SET a.matched = true");
    expect(rows(db, "MATCH (a:A) RETURN a")).toEqual(["(:A {k: 1, created: true, matched: true})"]);
  });
});

describe("transactions", () => {
  it("keeps uncommitted writes invisible and discards them on rollback", () => {
    const db = new CypherDatabase();
    const tx = db.beginTransaction();
    tx.run("CREATE (:T)");
    expect(rows(tx as unknown as CypherDatabase, "MATCH (n:T) RETURN count(n)")).toEqual(["1"]);
    expect(rows(db, "MATCH (n:T) RETURN count(n)")).toEqual(["0"]);
    tx.rollback();
    expect(rows(db, "MATCH (n:T) RETURN count(n)")).toEqual(["0"]);
    const tx2 = db.beginTransaction();
    tx2.run("CREATE (:T)");
    tx2.commit();
    expect(rows(db, "MATCH (n:T) RETURN count(n)")).toEqual(["1"]);
    const snap = db.toSnapshot();
    expect(
      rows(
        CypherDatabase.fromSnapshot(JSON.parse(JSON.stringify(snap))),
        "MATCH (n:T) RETURN count(n)",
      ),
    ).toEqual(["1"]);
  });
  it("copies records on first change only (uncommitted property, label and index changes stay private)", () => {
    const db = new CypherDatabase();
    db.run("UNWIND range(1, 100) AS i CREATE (:P {id: i})-[:R]->(:Q {id: i})");
    expect(rows(db, "MATCH (p:P {id: 5}) RETURN p.id")).toEqual(["5"]); // builds the (P, id) index
    const tx = db.beginTransaction();
    tx.run("MATCH (p:P {id: 5}) SET p.id = 500, p:Changed REMOVE p:P");
    tx.run("MATCH (q:Q {id: 6})<-[r:R]-() DELETE r");
    const inTx = (q: string): string[] => tx.run(q).rows.map((r) => r.map(formatValue).join(" | "));
    expect(inTx("MATCH (p:Changed) RETURN p.id")).toEqual(["500"]);
    expect(inTx("MATCH (p:P {id: 5}) RETURN p.id")).toEqual([]);
    expect(inTx("MATCH (:Q {id: 6})<-[r]-() RETURN count(r)")).toEqual(["0"]);
    // the committed graph is untouched
    expect(rows(db, "MATCH (p:P {id: 5}) RETURN p.id, labels(p)")).toEqual(["5 | ['P']"]);
    expect(rows(db, "MATCH (p) WHERE p.id = 500 RETURN count(p)")).toEqual(["0"]);
    expect(rows(db, "MATCH (:Q {id: 6})<-[r]-() RETURN count(r)")).toEqual(["1"]);
    tx.commit();
    expect(rows(db, "MATCH (p:P) WHERE p.id = 5 RETURN count(p)")).toEqual(["0"]);
    expect(rows(db, "MATCH (p:Changed {id: 500}) RETURN count(p)")).toEqual(["1"]);
  });
  it("dooms a transaction after a failed statement", () => {
    const db = new CypherDatabase();
    const tx = db.beginTransaction();
    tx.run("CREATE (:T)");
    expect(() => tx.run("RETURN 1 / 0")).toThrow(CypherError);
    expect(tx.open).toBe(true);
    expect(() => tx.commit()).toThrow(/rolled back/);
    tx.rollback();
    expect(tx.open).toBe(false);
    expect(rows(db, "MATCH (n:T) RETURN count(n)")).toEqual(["0"]);
  });
  it("stops runaway queries at the deadline", () => {
    const db = new CypherDatabase();
    db.run("UNWIND range(1, 30) AS i CREATE (:N)");
    expect(() =>
      db.run("MATCH (a), (b), (c), (d) RETURN count(*)", {}, { deadline: Date.now() + 50 }),
    ).toThrow(/longer than/);
    expect(() =>
      db.run("UNWIND range(1, 20000000) AS x RETURN count(*)", {}, { deadline: Date.now() + 50 }),
    ).toThrow(/longer than/);
  });
});
