import { describe, expect, it } from "vitest";
import { parseArgs, summarize, toPercent } from "./lighthouse-summary";

describe("parseArgs", () => {
  it("reads the base URL and a comma-separated list of pages", () => {
    expect(parseArgs(["--base", "http://127.0.0.1:3201/", "--pages", "learn/a, /learn/b"])).toEqual(
      {
        base: "http://127.0.0.1:3201",
        pages: ["/learn/a", "/learn/b"],
      },
    );
    expect(parseArgs(["--base=http://localhost:3000"])).toEqual({
      base: "http://localhost:3000",
      pages: null,
    });
  });

  it("refuses a missing or non-http base and unknown flags", () => {
    expect(() => parseArgs([])).toThrow(/usage/);
    expect(() => parseArgs(["--base", "localhost:3000"])).toThrow(/http/);
    expect(() => parseArgs(["--base"])).toThrow(/needs a value/);
    expect(() => parseArgs(["--base", "http://x", "--fast"])).toThrow(/unknown/);
  });
});

describe("summarize", () => {
  it("takes the worst figure of each kind and names the pages below the goals", () => {
    const summary = summarize([
      { path: "/a", performance: 100, accessibility: 100, tbtMs: 20 },
      { path: "/b", performance: 97, accessibility: 100, tbtMs: 90 },
      { path: "/c", performance: 99, accessibility: 96, tbtMs: 130 },
    ]);
    expect(summary).toEqual({
      pages: 3,
      minPerformance: 97,
      minAccessibility: 96,
      maxTbtMs: 130,
      belowGoal: ["/b", "/c"],
    });
  });

  it("refuses an empty run", () => {
    expect(() => summarize([])).toThrow();
  });

  it("shows scores as Lighthouse does", () => {
    expect(toPercent(0.984)).toBe(98);
    expect(toPercent(null)).toBe(0);
  });
});
