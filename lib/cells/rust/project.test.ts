import { describe, expect, it } from "vitest";
import {
  defaultManifestFor,
  STANDALONE_PACKAGE,
  rustProjectFiles,
  withCheckModule,
  type RustCellSource,
} from "./project";

const cell = (
  id: string,
  code: string,
  attributes: Record<string, string> = {},
): RustCellSource => ({ id, code, attributes });

describe("rustProjectFiles", () => {
  it("makes a one-file project for a cell without project=", () => {
    const files = rustProjectFiles([cell("hello", "fn main() {}")], 0, "fn main() { println!(); }");
    expect(files).toEqual([
      { path: "Cargo.toml", content: defaultManifestFor(STANDALONE_PACKAGE) },
      { path: "src/main.rs", content: "fn main() { println!(); }" },
    ]);
  });

  it("joins cells of one project, nearest cell above wins, later-only files come from below", () => {
    const manifest = '[package]\nname = "p"\n';
    const cells = [
      cell("lib-v1", "// v1", { project: "p", file: "src/lib.rs" }),
      cell("other", "fn main() {}"),
      cell("lib-v2", "// v2", { project: "p", file: "src/lib.rs", manifest }),
      cell("shapes", "// shapes", { project: "p", file: "src/shapes.rs", manifest }),
      cell("main", "// main", { project: "p", manifest }),
      cell("lib-v3", "// v3", { project: "p", file: "src/lib.rs", manifest }),
    ];
    const files = rustProjectFiles(cells, 3, "// edited shapes");
    expect(files).toEqual([
      { path: "Cargo.toml", content: '[package]\nname = "p"\n' },
      { path: "src/lib.rs", content: "// v2" },
      { path: "src/main.rs", content: "// main" },
      { path: "src/shapes.rs", content: "// edited shapes" },
    ]);
    expect(rustProjectFiles(cells, 2, "// v2").find((f) => f.path === "src/lib.rs")?.content).toBe(
      "// v2",
    );
    // The first cell carries no manifest: the project falls back to a minimal one.
    expect(rustProjectFiles(cells, 0, "// v1")[0]).toEqual({
      path: "Cargo.toml",
      content: defaultManifestFor("p"),
    });
  });

  it("throws for an index outside the list", () => {
    expect(() => rustProjectFiles([], 0, "")).toThrow(RangeError);
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
    const files = withCheckModule(
      [
        { path: "Cargo.toml", content: "x" },
        { path: "src/lib.rs", content: "pub fn f() {}" },
      ],
      "src/lib.rs",
      "#[test] fn t() {}",
    );
    expect(files[0]).toEqual({ path: "Cargo.toml", content: "x" });
    expect(files[1]?.content).toMatch(
      /^pub fn f\(\) \{\}\n\n#\[cfg\(test\)\]\nmod lesson_check \{\n.*use super::\*;\n#\[test\] fn t\(\) \{\}\n\}\n$/s,
    );
  });
});
