import { describe, expect, it } from "vitest";
import { CypherDatabase } from "./database";
import { executePrepared, prepareQuery } from "./engine";
import { Graph } from "./graph";
import { ProcedureRegistry } from "./procedures";
import { graphToSnapshot } from "./snapshot";

const run = (g: Graph, q: string) =>
  executePrepared(prepareQuery(q), { graph: g, procedures: new ProcedureRegistry() }, new Map());
const seed = (): Graph => {
  const db = new CypherDatabase();
  db.run("CREATE (a:P {name: 'a', n: 1})-[:R {w: 1}]->(b:P:Q {name: 'b'}), (c:Q {name: 'c'})");
  return db.graph;
};
const WRITES = [
  "MATCH (p:P {name: 'a'}) SET p.n = 2, p.extra = 'x' REMOVE p:P SET p:Z",
  "MATCH (b {name: 'b'}) DETACH DELETE b",
  "MATCH (c:Q) CREATE (c)-[:S]->(:New {k: 1})",
  "UNWIND range(1, 20) AS i CREATE (:Bulk {i: i})",
  "MATCH (c {name: 'c'}) REMOVE c.name SET c += {z: 3}",
];

describe("Graph undo journal", () => {
  it("rollback restores the graph exactly, indexes and id counters included", () => {
    const g = seed();
    const before = JSON.stringify(graphToSnapshot(g));
    run(g, "MATCH (p:P {name: 'a'}) RETURN p"); // build a property index before the writes
    g.beginJournal();
    for (const q of WRITES) run(g, q);
    expect(run(g, "MATCH (x:New {k: 1}) RETURN count(x)").rows).toEqual([[1n]]);
    g.rollbackJournal();
    expect(JSON.parse(JSON.stringify(graphToSnapshot(g)))).toEqual(JSON.parse(before));
    expect(run(g, "MATCH (p:P {name: 'a'}) RETURN p.n").rows).toEqual([[1n]]);
    expect(run(g, "MATCH (p:Z) RETURN count(p)").rows).toEqual([[0n]]);
    expect(run(g, "MATCH (p:P {name: 'b'})<-[r:R]-() RETURN r.w").rows).toEqual([[1n]]);
    // ids are handed out again from where they were: a rolled-back cell leaves no gap
    run(g, "CREATE (:After)");
    expect(run(g, "MATCH (n:After) RETURN id(n)").rows).toEqual([[3n]]);
  });

  it("a commit's delta brings a replica to the same graph", () => {
    const g = seed();
    const replica = seed();
    g.beginJournal();
    for (const q of WRITES) run(g, q);
    const delta = g.journalDelta();
    g.commitJournal();
    replica.applyDelta(delta);
    expect(JSON.stringify(graphToSnapshot(replica))).toBe(JSON.stringify(graphToSnapshot(g)));
    // applying it twice changes nothing (a replayed log line)
    replica.applyDelta(delta);
    expect(JSON.stringify(graphToSnapshot(replica))).toBe(JSON.stringify(graphToSnapshot(g)));
    expect(run(replica, "MATCH (n:Bulk) RETURN count(n)").rows).toEqual([[20n]]);
  });
});

describe("CypherDatabase transactions", () => {
  it("first committer wins: the later write transaction fails with a transient error", () => {
    const db = new CypherDatabase();
    const t1 = db.beginTransaction();
    const t2 = db.beginTransaction();
    t1.run("CREATE (:A)");
    t2.run("CREATE (:B)");
    t1.commit();
    expect(() => t2.commit()).toThrow(
      expect.objectContaining({ neo4jCode: "Neo.TransientError.Transaction.Outdated" }) as Error,
    );
    expect(db.run("MATCH (n) RETURN labels(n) AS l").rows).toEqual([[["A"]]]);
    // a reader that began earlier still commits (it wrote nothing)
    const r = db.beginTransaction();
    db.run("CREATE (:C)");
    expect(r.run("MATCH (n) RETURN count(n)").rows).toEqual([[1n]]);
    r.commit();
  });
});
