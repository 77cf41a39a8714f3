import { describe, expect, it } from "vitest";
import { CypherDatabase } from "./database";
import { formatPlan, type PlanNode } from "./plan";

const flat = (n: PlanNode): PlanNode[] => [n, ...n.children.flatMap(flat)];
const op = (n: PlanNode, type: string): PlanNode | undefined =>
  flat(n).find((x) => x.operatorType === type);

function graph(): CypherDatabase {
  const db = new CypherDatabase();
  db.run(
    "UNWIND range(1, 100) AS i CREATE (:Person {name: 'p' + i})-[:KNOWS]->(:Person {name: 'q' + i})",
  );
  return db;
}

describe("EXPLAIN", () => {
  it("returns the plan and the columns without running the query", () => {
    const db = graph();
    const r = db.run(
      "EXPLAIN MATCH (p:Person {name: 'p1'}) CREATE (p)-[:LIKES]->(:Cat) RETURN p.name AS name",
    );
    expect(r.rows).toEqual([]);
    expect(r.columns).toEqual(["name"]);
    expect(r.planKind).toBe("explain");
    expect(flat(r.plan!).map((n) => n.operatorType)).toEqual([
      "ProduceResults",
      "Projection",
      "Create",
      "Filter",
      "NodeByLabelScan",
    ]);
    expect(r.plan!.rows).toBeUndefined();
    expect(db.run("MATCH (c:Cat) RETURN count(c)").rows).toEqual([[0n]]);
    // parameters are not needed to explain
    expect(
      db.run("EXPLAIN MATCH (p:Person) WHERE p.name = $name RETURN p").plan!.operatorType,
    ).toBe("ProduceResults");
  });
});

describe("PROFILE", () => {
  it("runs the query and counts rows and db hits per operator", () => {
    const db = graph();
    const r = db.run(
      "PROFILE MATCH (p:Person)-[:KNOWS]->(f) WHERE p.name STARTS WITH 'p1' RETURN f.name ORDER BY f.name LIMIT 3",
    );
    expect(r.rows).toEqual([["q1"], ["q10"], ["q100"]]);
    expect(r.planKind).toBe("profile");
    const scan = op(r.plan!, "NodeByLabelScan")!;
    expect(scan.rows).toBe(200);
    expect(scan.dbHits).toBe(201);
    expect(op(r.plan!, "Expand(All)")!.rows).toBe(100);
    // 12 of the 100 people named p… start with p1 (p1, p10…p19, p100)
    expect(op(r.plan!, "Filter")!.rows).toBe(12);
    expect(r.plan!.rows).toBe(3);
    expect(formatPlan(r.plan!)).toMatch(/\+NodeByLabelScan {2}p:Person {2}rows 200, db hits 201/);
  });
  it("seeks the index for `v.key = …` in WHERE as for a property map, and only for values known before matching", () => {
    const db = graph();
    db.run("CREATE INDEX FOR (p:Person) ON (p.name)");
    const where = db.run(
      "PROFILE MATCH (p:Person) WHERE p.name = 'p42' AND p.name <> 'x' RETURN p.name",
    );
    expect(where.rows).toEqual([["p42"]]);
    expect(op(where.plan!, "NodeIndexSeek")!.rows).toBe(1);
    expect(op(where.plan!, "NodeByLabelScan")).toBeUndefined();
    const param = db.run("PROFILE MATCH (p:Person) WHERE $n = p.name RETURN p.name", { n: "q7" });
    expect(param.rows).toEqual([["q7"]]);
    expect(op(param.plan!, "NodeIndexSeek")).toBeDefined();
    // the other side needs another variable of the same MATCH: no seek for p on it
    const joined = db.run(
      "EXPLAIN MATCH (p:Person), (q:Person) WHERE p.name = q.name RETURN count(*)",
    );
    expect(op(joined.plan!, "NodeIndexSeek")).toBeUndefined();
    // OR is not a conjunct: both sides must be scanned
    const either = db.run("EXPLAIN MATCH (p:Person) WHERE p.name = 'p1' OR p.name = 'p2' RETURN p");
    expect(op(either.plan!, "NodeByLabelScan")).toBeDefined();
  });
  it("shows an index seek and fewer db hits once the index exists (the indexes lesson)", () => {
    const db = graph();
    const q = "PROFILE MATCH (p:Person {name: 'p42'}) RETURN p.name";
    const before = db.run(q);
    expect(op(before.plan!, "NodeByLabelScan")).toBeDefined();
    db.run("CREATE INDEX FOR (p:Person) ON (p.name)");
    const after = db.run(q);
    expect(after.rows).toEqual(before.rows);
    const seek = op(after.plan!, "NodeIndexSeek")!;
    expect(seek.rows).toBe(1);
    const total = (n: PlanNode): number => flat(n).reduce((s, x) => s + (x.dbHits ?? 0), 0);
    expect(total(after.plan!)).toBeLessThan(total(before.plan!) / 10);
    db.run("CREATE CONSTRAINT FOR (c:Code) REQUIRE c.v IS UNIQUE");
    expect(
      op(db.run("EXPLAIN MATCH (c:Code {v: 1}) RETURN c").plan!, "NodeUniqueIndexSeek"),
    ).toBeDefined();
  });
  it("writes of a PROFILEd query happen, and aggregation is an operator", () => {
    const db = new CypherDatabase();
    const r = db.run("PROFILE UNWIND range(1, 5) AS i CREATE (:N {i: i}) RETURN count(*) AS c");
    expect(r.rows).toEqual([[5n]]);
    expect(r.stats.nodesCreated).toBe(5);
    expect(flat(r.plan!).map((n) => [n.operatorType, n.rows])).toEqual([
      ["ProduceResults", 1],
      ["EagerAggregation", 1],
      ["Create", 5],
      ["Unwind", 5],
    ]);
  });
});
