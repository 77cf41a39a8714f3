import neo4j from "neo4j-driver";
import { describe, expect, it } from "vitest";
import { MAX_PLAN_OPERATORS, planOperatorsInOrder, planOutputFromSummary } from "./plan";

const driverPlan = (
  operatorType: string,
  args: Record<string, unknown>,
  children: unknown[] = [],
  extra: Record<string, unknown> = {},
) => ({ operatorType, identifiers: ["p"], arguments: args, children, ...extra });

describe("planOutputFromSummary", () => {
  it("returns null for a statement without EXPLAIN or PROFILE", () => {
    expect(planOutputFromSummary({ plan: false, profile: false })).toBeNull();
    expect(planOutputFromSummary({})).toBeNull();
  });

  it("converts an EXPLAIN plan: names, details, estimated rows, no run-time figures", () => {
    const plan = driverPlan("ProduceResults@neo4j", { Details: "name", planner: "COST" }, [
      driverPlan("Filter@neo4j", { Details: "p.name = $name", EstimatedRows: 1.3 }, [
        driverPlan("NodeByLabelScan@neo4j", { Details: "p:Person", EstimatedRows: 133 }),
      ]),
    ]);
    expect(planOutputFromSummary({ plan, profile: false })).toEqual({
      type: "plan",
      mode: "explain",
      root: {
        operator: "ProduceResults",
        details: "name",
        identifiers: ["p"],
        children: [
          {
            operator: "Filter",
            details: "p.name = $name",
            estimatedRows: 1.3,
            identifiers: ["p"],
            children: [
              {
                operator: "NodeByLabelScan",
                details: "p:Person",
                estimatedRows: 133,
                identifiers: ["p"],
                children: [],
              },
            ],
          },
        ],
      },
    });
  });

  it("converts a PROFILE: rows and db hits from numbers, bigints or driver Integers, and their total", () => {
    const profile = driverPlan("ProduceResults", { Details: "t" }, [
      driverPlan(
        "Expand(All)",
        { Details: "(p)-[:ACTED_IN]->(m)" },
        [driverPlan("NodeIndexSeek", {}, [], { rows: 1n, dbHits: 2n })],
        { rows: neo4j.int(12), dbHits: neo4j.int(13) },
      ),
    ]);
    Object.assign(profile, { rows: 12, dbHits: 0 });
    const out = planOutputFromSummary({ plan: profile, profile });
    expect(out?.mode).toBe("profile");
    expect(out?.totalDbHits).toBe(15);
    expect(planOperatorsInOrder(out!.root).map((o) => [o.operator, o.rows, o.dbHits])).toEqual([
      ["ProduceResults", 12, 0],
      ["Expand(All)", 12, 13],
      ["NodeIndexSeek", 1, 2],
    ]);
  });

  it("caps the tree and counts the operators left out; totals still cover them", () => {
    // a chain deeper than the cap, then a wide fan-out
    let chain: Record<string, unknown> = driverPlan("Leaf", {}, [], { rows: 1, dbHits: 1 });
    for (let i = 0; i < MAX_PLAN_OPERATORS + 49; i++)
      chain = driverPlan("Apply", {}, [chain], { rows: 1, dbHits: 1 });
    const out = planOutputFromSummary({ profile: chain });
    expect(planOperatorsInOrder(out!.root)).toHaveLength(MAX_PLAN_OPERATORS);
    expect(out?.omitted).toBe(50);
    expect(out?.totalDbHits).toBe(MAX_PLAN_OPERATORS + 50);
    const wide = driverPlan(
      "Union",
      {},
      Array.from({ length: 10 }, () => driverPlan("Scan", {})),
    );
    const small = planOutputFromSummary({ plan: wide }, 4);
    expect(small?.root.children).toHaveLength(3);
    expect(small?.omitted).toBe(7);
  });

  it("shortens very long details and tolerates odd shapes", () => {
    const out = planOutputFromSummary({
      plan: { operatorType: 7, arguments: { Details: "x".repeat(1000) }, children: [null, "x"] },
    });
    expect(out?.root.operator).toBe("Unknown");
    expect(out?.root.details?.length).toBe(301);
    expect(out?.root.identifiers).toEqual([]);
    expect(out?.root.children).toEqual([]);
  });
});
