import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { SUPPORTED_TRACE_TYPES, unsupportedTraceMessage } from "./trace-types";

describe("unsupportedTraceMessage", () => {
  it("accepts the types lessons use, and a trace without a type (scatter)", () => {
    expect(
      unsupportedTraceMessage([
        { x: [1, 2], y: [3, 4], mode: "lines+markers" },
        { type: "bar", x: ["a"], y: [1] },
        { type: "histogram", x: [1, 2, 2] },
      ]),
    ).toBeNull();
  });

  it("names the trace, its type and the supported types", () => {
    const message = unsupportedTraceMessage([
      { y: [1] },
      { type: "scatter3d", x: [1], y: [1], z: [1] },
    ]);
    expect(message).toMatch(
      /^Trace 2 has type "scatter3d", which plots in this notebook cannot draw/,
    );
    expect(message).toContain("Supported types: bar, box, contour, heatmap, histogram");
    expect(unsupportedTraceMessage([{ type: 3 }])).toMatch(/Trace 1 has type 3,/);
  });

  it("lists exactly the trace modules of the installed bundle", () => {
    const require = createRequire(import.meta.url);
    const bundle = readFileSync(require.resolve("plotly.js-cartesian-dist-min"), "utf8");
    const inBundle = [...bundle.matchAll(/moduleType:"trace",name:"(\w+)"/g)].map((m) => m[1]);
    expect([...new Set(inBundle)].sort()).toEqual([...SUPPORTED_TRACE_TYPES]);
  });
});
