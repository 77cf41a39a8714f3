import { describe, expect, it } from "vitest";
import { setupTestBoltServer } from "./test-server";

const bolt = setupTestBoltServer();

describe("EXPLAIN and PROFILE over Bolt (neo4j-driver summary.plan / summary.profile)", () => {
  it("EXPLAIN: no records, summary.plan is the operator tree, summary.profile is false", async () => {
    const session = bolt.driver.session();
    try {
      await session.run("UNWIND range(1, 20) AS i CREATE (:Person {name: 'p' + i})");
      const r = await session.run("EXPLAIN MATCH (p:Person {name: $n}) RETURN p.name AS name", {
        n: "p3",
      });
      expect(r.records).toEqual([]);
      expect(r.summary.hasPlan()).toBe(true);
      expect(r.summary.hasProfile()).toBe(false);
      const plan = r.summary.plan as {
        operatorType: string;
        identifiers: string[];
        arguments: Record<string, unknown>;
        children: unknown[];
      };
      expect(plan.operatorType).toBe("ProduceResults");
      expect(plan.identifiers).toEqual(["name"]);
      expect(plan.arguments.planner).toBe("COST");
      const types: string[] = [];
      const walk = (n: { operatorType: string; children: unknown[] }): void => {
        types.push(n.operatorType);
        n.children.forEach((c) => walk(c as typeof n));
      };
      walk(plan);
      expect(types).toEqual(["ProduceResults", "Projection", "Filter", "NodeByLabelScan"]);
    } finally {
      await session.close();
    }
  });
  it("PROFILE: records plus rows and db hits per operator", async () => {
    const session = bolt.driver.session();
    try {
      await session.run("CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name)");
      const r = await session.run("PROFILE MATCH (p:Person {name: 'p3'}) RETURN p.name AS name");
      expect(r.records.map((x) => x.get("name"))).toEqual(["p3"]);
      expect(r.summary.hasProfile()).toBe(true);
      const profile = r.summary.profile as {
        operatorType: string;
        rows: number;
        dbHits: number;
        children: { operatorType: string; rows: number; dbHits: number; children: unknown[] }[];
      };
      expect(profile.operatorType).toBe("ProduceResults");
      expect(profile.rows).toBe(1);
      const leaves: { operatorType: string; rows: number; dbHits: number }[] = [];
      const walk = (n: {
        operatorType: string;
        rows: number;
        dbHits: number;
        children: unknown[];
      }): void => {
        if (n.children.length === 0) leaves.push(n);
        n.children.forEach((c) => walk(c as typeof n));
      };
      walk(profile as never);
      expect(leaves).toEqual([expect.objectContaining({ operatorType: "NodeIndexSeek", rows: 1 })]);
      expect(leaves[0]!.dbHits).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  });
});
