import { describe, expect, it } from "vitest";
import { parseLesson } from "../parse-lesson";
import { defaultManifestFor, projectManifests, rustProjectFiles, withCheckModule, type RustCellSource } from "./rust-project";

const cell = (id: string, code: string, attributes: Record<string, string> = {}): RustCellSource => ({ id, code, attributes });

describe("rustProjectFiles", () => {
  it("makes a one-file project for a cell without project=", () => {
    const files = rustProjectFiles([cell("hello", "fn main() {}")], 0, "fn main() { println!(); }", new Map());
    expect(files).toEqual([
      { path: "Cargo.toml", content: defaultManifestFor("cell_hello") },
      { path: "src/main.rs", content: "fn main() { println!(); }" },
    ]);
  });

  it("joins cells of one project, nearest cell above wins, later-only files come from below", () => {
    const cells = [
      cell("lib-v1", "// v1", { project: "p", file: "src/lib.rs" }),
      cell("other", "fn main() {}"),
      cell("lib-v2", "// v2", { project: "p", file: "src/lib.rs" }),
      cell("shapes", "// shapes", { project: "p", file: "src/shapes.rs" }),
      cell("main", "// main", { project: "p" }),
      cell("lib-v3", "// v3", { project: "p", file: "src/lib.rs" }),
    ];
    const manifests = new Map([["p", "[package]\nname = \"p\"\n"]]);
    const files = rustProjectFiles(cells, 3, "// edited shapes", manifests);
    expect(files).toEqual([
      { path: "Cargo.toml", content: "[package]\nname = \"p\"\n" },
      { path: "src/lib.rs", content: "// v2" },
      { path: "src/main.rs", content: "// main" },
      { path: "src/shapes.rs", content: "// edited shapes" },
    ]);
    expect(rustProjectFiles(cells, 0, "// v1", manifests).find((f) => f.path === "src/lib.rs")?.content).toBe("// v1");
    expect(rustProjectFiles(cells, 0, "// v1", new Map())[0]).toEqual({ path: "Cargo.toml", content: defaultManifestFor("p") });
  });

  it("throws for an index outside the list", () => {
    expect(() => rustProjectFiles([], 0, "", new Map())).toThrow(RangeError);
  });
});

describe("projectManifests", () => {
  it("finds ```toml blocks tagged with project=", () => {
    const lesson = parseLesson(
      "---\ntitle: T\nsummary: S\nminutes: 5\n---\n\nText.\n\n```toml project=shapes\n[package]\nname = \"shapes\"\n```\n\n```toml\n[untagged]\n```\n",
    );
    expect(lesson.problems).toEqual([]);
    expect([...projectManifests(lesson.blocks)]).toEqual([["shapes", "[package]\nname = \"shapes\""]]);
  });
});

describe("defaultManifestFor", () => {
  it("makes a valid crate name", () => {
    expect(defaultManifestFor("my-project")).toContain('name = "my_project"');
    expect(defaultManifestFor("1st")).toContain('name = "p_1st"');
  });
});

describe("withCheckModule", () => {
  it("appends the check as a test module to the cell's file only", () => {
    const files = withCheckModule([{ path: "Cargo.toml", content: "x" }, { path: "src/lib.rs", content: "pub fn f() {}" }], "src/lib.rs", "#[test] fn t() {}");
    expect(files[0]).toEqual({ path: "Cargo.toml", content: "x" });
    expect(files[1]?.content).toMatch(/^pub fn f\(\) \{\}\n\n#\[cfg\(test\)\]\nmod lesson_check \{\n.*use super::\*;\n#\[test\] fn t\(\) \{\}\n\}\n$/s);
  });
});
