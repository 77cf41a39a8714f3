import { describe, expect, it } from "vitest";
import { builtContentSchema, builtVersionStatus } from "./built-version";

const built = { files: { "graph/01-a/01-one.md": "abc123" } };

describe("builtVersionStatus", () => {
  it("is the same when the file's hash is the built one", () => {
    expect(builtVersionStatus(built, "graph/01-a/01-one.md", "abc123")).toBe("same");
  });
  it("says changed when the file was saved since the build, or removed", () => {
    expect(builtVersionStatus(built, "graph/01-a/01-one.md", "def456")).toBe("changed");
    expect(builtVersionStatus(built, "graph/01-a/01-one.md", null)).toBe("changed");
  });
  it("says not built for a lesson added after the build", () => {
    expect(builtVersionStatus(built, "graph/01-a/02-two.md", "abc123")).toBe("not-built");
  });
});

describe("builtContentSchema", () => {
  it("refuses an answer that is not a file → hash map", () => {
    expect(builtContentSchema.safeParse({ files: { a: 1 } }).success).toBe(false);
    expect(builtContentSchema.safeParse(built).success).toBe(true);
  });
});
