import { describe, expect, it } from "vitest";
import { boundsOf, forceLayout, nodeCaption } from "./graph-layout";

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.hypot(a.x - b.x, a.y - b.y);

describe("forceLayout", () => {
  it("is deterministic and keeps nodes apart", () => {
    const nodes = Array.from({ length: 30 }, (_, i) => ({ id: String(i) }));
    const links = nodes.slice(1).map((n) => ({ startId: "0", endId: n.id }));
    const a = forceLayout(nodes, links);
    const b = forceLayout(nodes, links);
    expect([...a]).toEqual([...b]);
    const pts = [...a.values()];
    for (let i = 0; i < pts.length; i++)
      for (let j = i + 1; j < pts.length; j++) expect(dist(pts[i]!, pts[j]!)).toBeGreaterThan(15);
  });

  it("keeps clusters together: linked nodes closer on average than unlinked ones", () => {
    const cluster = (c: string) => Array.from({ length: 5 }, (_, i) => ({ id: `${c}${i}` }));
    const nodes = [...cluster("a"), ...cluster("b")];
    const links = nodes.flatMap((x) =>
      nodes
        .filter((y) => x.id < y.id && x.id[0] === y.id[0])
        .map((y) => ({ startId: x.id, endId: y.id })),
    );
    const p = forceLayout(nodes, links);
    const mean = (pairs: [string, string][]) =>
      pairs.reduce((s, [x, y]) => s + dist(p.get(x)!, p.get(y)!), 0) / pairs.length;
    const inside = links.map((l): [string, string] => [l.startId, l.endId]);
    const across = nodes
      .filter((x) => x.id[0] === "a")
      .flatMap((x) =>
        nodes.filter((y) => y.id[0] === "b").map((y): [string, string] => [x.id, y.id]),
      );
    expect(mean(inside)).toBeLessThan(mean(across) * 0.7);
  });

  it("handles empty graphs, self-loops and dangling links", () => {
    expect(forceLayout([], []).size).toBe(0);
    const p = forceLayout(
      [{ id: "x" }],
      [
        { startId: "x", endId: "x" },
        { startId: "x", endId: "missing" },
      ],
    );
    expect(Number.isFinite(p.get("x")!.x)).toBe(true);
    expect(boundsOf([]).width).toBe(200);
  });
});

describe("nodeCaption", () => {
  it("prefers name, then title, then any string, then the label", () => {
    expect(
      nodeCaption({ labels: ["Person"], properties: { born: 1964, name: "Keanu Reeves" } }),
    ).toBe("Keanu Reeves");
    expect(nodeCaption({ labels: ["Movie"], properties: { title: "Up" } })).toBe("Up");
    expect(nodeCaption({ labels: ["X"], properties: { other: "o" } })).toBe("o");
    expect(nodeCaption({ labels: ["X"], properties: {} })).toBe("X");
  });
});
