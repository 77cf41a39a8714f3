import { describe, expect, it } from "vitest";
import type { CellOutput } from "@/lib/notebook/types";
import { capOutputs, MAX_VALUE_CHARS, shorten } from "./output-cap";

const size = (outputs: CellOutput[]) => Buffer.byteLength(JSON.stringify(outputs), "utf8");

describe("capOutputs", () => {
  it("leaves small outputs exactly as they were", () => {
    const outputs: CellOutput[] = [
      { type: "table", columns: ["i"], rows: [["1"], ["2"]], totalRows: 2, caption: "2 rows" },
    ];
    expect(capOutputs(outputs, 1_000)).toBe(outputs);
  });

  it("stops adding rows at the byte budget and says so", () => {
    const rows = Array.from({ length: 1_000 }, (_, i) => [
      `'${String(i).padStart(4, "0")}${"x".repeat(5_000)}'`,
    ]);
    const capped = capOutputs([{ type: "table", columns: ["s"], rows, totalRows: 1_000 }], 100_000);
    expect(size(capped)).toBeLessThanOrEqual(100_000);
    const table = capped[0];
    expect(table?.type === "table" && table.rows.length).toBeGreaterThan(10);
    expect(table?.type === "table" && table.rows.length).toBeLessThan(20);
    expect(table?.type === "table" && table.totalRows).toBe(1_000);
    expect(capped.at(-1)).toMatchObject({
      type: "text",
      stream: "info",
      text: expect.stringMatching(/larger than 100 KB; only the first \d+ rows are shown/),
    });
  });

  it("shortens long strings in cells and graph properties, without splitting a surrogate pair", () => {
    const long = "y".repeat(MAX_VALUE_CHARS + 500);
    const capped = capOutputs([
      { type: "table", columns: ["s"], rows: [[long]] },
      {
        type: "graph",
        nodes: [{ id: "1", labels: ["A"], properties: { text: long } }],
        relationships: [],
      },
    ]);
    const table = capped[0];
    expect(
      table?.type === "table" && (table.rows[0]![0] as string).endsWith("… (500 more characters)"),
    ).toBe(true);
    const graph = capped[1];
    expect(
      graph?.type === "graph" && (graph.nodes[0]!.properties.text as string).length,
    ).toBeLessThan(MAX_VALUE_CHARS + 40);
    expect(capped.at(-1)).toMatchObject({
      type: "text",
      text: expect.stringMatching(/^Values longer than 10,000 characters were shortened/),
    });
    const emoji = "a".repeat(MAX_VALUE_CHARS - 1) + "😀" + "b";
    expect(shorten(emoji).startsWith("a".repeat(MAX_VALUE_CHARS - 1) + "…")).toBe(true);
  });

  it("keeps only the graph relationships whose ends are still drawn", () => {
    const nodes = Array.from({ length: 50 }, (_, i) => ({
      id: String(i),
      labels: ["N"],
      properties: { pad: "z".repeat(1_000) },
    }));
    const relationships = nodes.slice(1).map((n, i) => ({
      id: `r${i}`,
      type: "NEXT",
      startId: String(i),
      endId: n.id,
      properties: {},
    }));
    const capped = capOutputs([{ type: "graph", nodes, relationships }], 20_000);
    const graph = capped.find((o) => o.type === "graph");
    if (graph?.type !== "graph") throw new Error("graph dropped");
    const kept = new Set(graph.nodes.map((n) => n.id));
    expect(graph.nodes.length).toBeLessThan(50);
    expect(graph.relationships.every((r) => kept.has(r.startId) && kept.has(r.endId))).toBe(true);
    expect(size(capped)).toBeLessThanOrEqual(20_000);
  });
});
