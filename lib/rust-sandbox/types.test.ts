import { describe, expect, it } from "vitest";
import { MAX_FILE_BYTES, projectFilesSchema, projectPathSchema, runRustInputSchema } from "./types";

describe("project paths", () => {
  it.each([
    "Cargo.toml",
    "src/main.rs",
    "src/lib.rs",
    "src/bin/tool.rs",
    "tests/parse.rs",
    "examples/a.rs",
    "benches/b.rs",
    "src/a/b/c.rs",
  ])("accepts %s", (p) => expect(projectPathSchema.safeParse(p).success).toBe(true));

  it.each([
    "/etc/passwd",
    "../Cargo.toml",
    "src/../../x.rs",
    "src/./main.rs",
    "build.rs",
    ".cargo/config.toml",
    "Cargo.lock",
    "src/main.txt",
    "src//main.rs",
    "target/debug/x.rs",
    "src/.hidden.rs",
  ])("refuses %s", (p) => expect(projectPathSchema.safeParse(p).success).toBe(false));
});

describe("project files", () => {
  const manifest = { path: "Cargo.toml", content: '[package]\nname = "x"\n' };

  it("needs a Cargo.toml and unique paths", () => {
    expect(projectFilesSchema.safeParse([{ path: "src/main.rs", content: "" }]).success).toBe(
      false,
    );
    expect(projectFilesSchema.safeParse([manifest, manifest]).success).toBe(false);
    expect(
      projectFilesSchema.safeParse([manifest, { path: "src/main.rs", content: "fn main() {}" }])
        .success,
    ).toBe(true);
  });

  it("limits the size of a file and of the project", () => {
    const big = "x".repeat(MAX_FILE_BYTES + 1);
    expect(
      projectFilesSchema.safeParse([manifest, { path: "src/main.rs", content: big }]).success,
    ).toBe(false);
    const many = Array.from({ length: 5 }, (_, i) => ({
      path: `src/m${i}.rs`,
      content: "y".repeat(MAX_FILE_BYTES - 10),
    }));
    expect(projectFilesSchema.safeParse([manifest, ...many]).success).toBe(false);
  });

  it("validates the action input", () => {
    const input = { lessonKey: "rust/01/01", cellId: "hello", files: [manifest], mode: "run" };
    expect(runRustInputSchema.safeParse(input).success).toBe(true);
    expect(runRustInputSchema.safeParse({ ...input, mode: "bench" }).success).toBe(false);
    expect(runRustInputSchema.safeParse({ ...input, ticket: "../x" }).success).toBe(false);
  });
});
