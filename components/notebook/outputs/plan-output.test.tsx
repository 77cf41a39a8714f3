import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PlanOutput } from "./plan-output";

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/\s+/g, " ");

describe("PlanOutput", () => {
  it("shows a PROFILE as nested lists with rows, db hits and the total", () => {
    const html = renderToStaticMarkup(
      <PlanOutput
        output={{
          type: "plan",
          mode: "profile",
          totalDbHits: 150,
          root: {
            operator: "ProduceResults",
            details: "t",
            identifiers: ["t"],
            rows: 12,
            dbHits: 0,
            children: [
              {
                operator: "NodeByLabelScan",
                details: "p:Person",
                identifiers: ["p"],
                rows: 134,
                dbHits: 1350,
                children: [],
              },
            ],
          },
        }}
      />,
    );
    expect(text(html)).toContain("PROFILE plan · 2 operators · total 150 db hits");
    expect(text(html)).toContain("NodeByLabelScanp:Personrows 134 · db hits 1,350");
    expect(html).toMatch(/<ul[^>]*aria-label="PROFILE operator tree"/);
    // the scan is nested inside the root's list item
    expect(html).toMatch(
      /ProduceResults.*<ul[^>]*><li[^>]*>.*NodeByLabelScan.*<\/li><\/ul><\/li><\/ul>/,
    );
    expect(html.match(/aria-hidden="true"/g)).toHaveLength(1);
  });

  it("shows EXPLAIN's estimates without run-time figures, and says how many operators were left out", () => {
    const html = renderToStaticMarkup(
      <PlanOutput
        output={{
          type: "plan",
          mode: "explain",
          omitted: 3,
          root: {
            operator: "Filter",
            identifiers: [],
            estimatedRows: 1.25,
            children: [],
          },
        }}
      />,
    );
    expect(text(html)).toContain("EXPLAIN plan · 4 operators");
    expect(text(html)).toContain("estimated rows 1.3");
    expect(text(html)).not.toMatch(/rows \d+ · db hits|total .* db hits/);
    expect(text(html)).toContain("3 more operators are not shown.");
  });
});
