import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCatalog } from "./catalog";
import { trackFileSchema } from "./schema";
import { trackAudience } from "./track-audience";

describe("trackAudience", () => {
  it("states the level and lists prerequisites, 'none' for an empty list", () => {
    expect(trackAudience({ level: "beginner to advanced", prerequisites: ["basic programming", "a terminal"] })).toEqual({
      level: "Beginner to advanced",
      prerequisites: "basic programming; a terminal",
    });
    expect(trackAudience({ level: "advanced", prerequisites: [] })).toEqual({ level: "Advanced", prerequisites: "none" });
  });
});

describe("track.yaml level and prerequisites", () => {
  const base = { title: "T", summary: "S", level: "beginner", prerequisites: [], chapters: [{ dir: "01-a", title: "A" }] };
  it("accepts a known level and a list of prerequisites", () => {
    expect(trackFileSchema.safeParse({ ...base, level: "beginner to intermediate", prerequisites: ["SQL"] }).success).toBe(true);
  });
  it("requires both: the catalogue states them for every track", () => {
    const { level: _level, ...noLevel } = base;
    const { prerequisites: _prerequisites, ...noPrerequisites } = base;
    expect(trackFileSchema.safeParse(noLevel).success).toBe(false);
    expect(trackFileSchema.safeParse(noPrerequisites).success).toBe(false);
  });
  it("rejects an unknown level and a prerequisite that is not a list", () => {
    expect(trackFileSchema.safeParse({ ...base, level: "expert" }).success).toBe(false);
    expect(trackFileSchema.safeParse({ ...base, prerequisites: "SQL" }).success).toBe(false);
  });
  it("every track of the course states both", () => {
    const catalog = readCatalog(path.resolve("content"));
    expect(catalog.problems.filter((p) => p.file.endsWith("track.yaml"))).toEqual([]);
    expect(catalog.tracks.find((t) => t.slug === "graph-queries")).toMatchObject({ level: "beginner to advanced" });
  });
});
