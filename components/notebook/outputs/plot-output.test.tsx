import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PlotOutput } from "./plot-output";

describe("PlotOutput", () => {
  it("says which trace type it cannot draw and which it can, instead of a blank figure", () => {
    const html = renderToStaticMarkup(
      <PlotOutput
        output={{
          type: "plot",
          plotId: "p1",
          traces: [{ type: "scatter3d", x: [1], y: [2], z: [3] }],
          layout: { title: "Embeddings" },
        }}
      />,
    );
    expect(html).toContain('role="alert"');
    expect(html).toContain(
      "Embeddings: Trace 1 has type &quot;scatter3d&quot;, which plots in this notebook cannot draw.",
    );
    expect(html).toContain("Supported types: bar, box,");
    expect(html).not.toContain("Loading plot");
  });

  it("keeps the figure's place with a loading state for types it can draw", () => {
    const html = renderToStaticMarkup(
      <PlotOutput
        output={{ type: "plot", plotId: "p2", traces: [{ type: "bar", x: ["a"], y: [1] }] }}
      />,
    );
    expect(html).toContain('role="img"');
    expect(html).toContain("Loading plot…");
    expect(html).not.toContain('role="alert"');
  });
});
