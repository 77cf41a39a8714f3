import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import * as layout from "@/components/notebook/outputs/graph-layout";
import type { GraphNode, GraphRelationship } from "@/lib/notebook/types";
import { GraphCanvas, GraphOutput, GraphTables } from "./graph-output";

const nodes: GraphNode[] = [
  { id: "1", labels: ["Person"], properties: { name: "Keanu Reeves", born: 1964 } },
  { id: "2", labels: ["Movie"], properties: { title: "The Matrix" } },
  { id: "3", labels: ["Movie"], properties: { title: "John Wick" } },
];
const relationships: GraphRelationship[] = [
  { id: "10", type: "ACTED_IN", startId: "1", endId: "2", properties: { roles: ["Neo"] } },
  { id: "11", type: "ACTED_IN", startId: "1", endId: "3", properties: {} },
  { id: "12", type: "DIRECTED", startId: "1", endId: "2", properties: {} },
];

describe("GraphOutput", () => {
  it("renders a placeholder of the final size until the layout module loads, with a summary", () => {
    const html = renderToStaticMarkup(
      <GraphOutput output={{ type: "graph", nodes, relationships }} />,
    );
    expect(html).toContain("3 nodes, 3 relationships");
    expect(html).toContain("Laying out the graph");
    expect(html).toContain('aria-pressed="true"');
  });

  it("draws every node as a focusable, labelled button and every relationship with its type", () => {
    const html = renderToStaticMarkup(
      <GraphCanvas layout={layout} nodes={nodes} relationships={relationships} />,
    );
    expect(html.match(/data-node-id=/g)?.length).toBe(3);
    expect(html.match(/tabindex="0"/g)?.length).toBe(3);
    expect(html).toContain('aria-label="Person: Keanu Reeves"');
    expect(html.match(/>ACTED_IN</g)?.length).toBe(2);
    // the second relationship between the same pair is a curve, not a line on top of the first
    expect(html).toMatch(/<path d="M[^"]+Q/);
  });

  it("offers the same data as tables", () => {
    const html = renderToStaticMarkup(<GraphTables nodes={nodes} relationships={relationships} />);
    expect(html).toContain("<caption>Nodes</caption>");
    expect(html).toContain("name: Keanu Reeves, born: 1964");
    expect(html).toContain("<td>Keanu Reeves</td><td>DIRECTED</td><td>The Matrix</td>");
  });
});
