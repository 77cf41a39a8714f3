import { describe, expect, it } from "vitest";
import { parseCargoMessages, projectRelative } from "./cargo-messages";

// Shapes copied from real `cargo build --message-format=json` output (cargo 1.95).
const error = JSON.stringify({
  reason: "compiler-message",
  package_id: "path+file:///work#demo@0.1.0",
  message: {
    rendered: "error[E0308]: mismatched types\n --> src/main.rs:2:18\n",
    $message_type: "diagnostic",
    level: "error",
    message: "mismatched types",
    code: { code: "E0308" },
    children: [],
    spans: [
      {
        file_name: "src/main.rs",
        line_start: 2,
        line_end: 2,
        column_start: 18,
        column_end: 25,
        is_primary: true,
        label: "expected `i32`, found `&str`",
      },
      {
        file_name: "src/main.rs",
        line_start: 2,
        line_end: 2,
        column_start: 12,
        column_end: 15,
        is_primary: false,
        label: "expected due to this",
      },
    ],
  },
});
const warning = JSON.stringify({
  reason: "compiler-message",
  message: {
    rendered: "warning: unused variable: `x`\n",
    level: "warning",
    message: "unused variable: `x`",
    spans: [
      {
        file_name: "/work/src/lib.rs",
        line_start: 4,
        line_end: 4,
        column_start: 9,
        column_end: 10,
        is_primary: true,
        label: null,
      },
    ],
  },
});
const aborting = JSON.stringify({
  reason: "compiler-message",
  message: {
    rendered: "error: aborting due to 1 previous error\n",
    level: "error",
    message: "aborting due to 1 previous error",
    spans: [],
  },
});
const stdSpan = JSON.stringify({
  reason: "compiler-message",
  message: {
    rendered: "note\n",
    level: "note",
    message: "in std",
    spans: [
      {
        file_name: "/rustc/abc/library/core/src/fmt/mod.rs",
        line_start: 1,
        line_end: 1,
        column_start: 1,
        column_end: 2,
        is_primary: true,
      },
    ],
  },
});
const artifact = JSON.stringify({
  reason: "compiler-artifact",
  target: {
    kind: ["bin"],
    crate_types: ["bin"],
    name: "demo",
    src_path: "/work/src/main.rs",
    test: true,
  },
  profile: { opt_level: "0", debuginfo: 0, test: false },
  executable: "/work/target/debug/demo",
  fresh: false,
});
const libArtifact = JSON.stringify({
  reason: "compiler-artifact",
  target: { kind: ["lib"], name: "demo", src_path: "/work/src/lib.rs" },
  profile: { test: false },
  executable: null,
});

describe("parseCargoMessages", () => {
  it("turns compiler messages into diagnostics on the learner's files", () => {
    const parsed = parseCargoMessages(
      [error, warning, aborting, stdSpan, "not json", "{broken", artifact, libArtifact].join("\n"),
      "/work",
    );
    expect(parsed.diagnostics).toEqual([
      {
        file: "src/main.rs",
        line: 2,
        column: 18,
        endLine: 2,
        endColumn: 25,
        message: "mismatched types: expected `i32`, found `&str`",
        severity: "error",
      },
      {
        file: "src/lib.rs",
        line: 4,
        column: 9,
        endLine: 4,
        endColumn: 10,
        message: "unused variable: `x`",
        severity: "warning",
      },
    ]);
    expect(parsed.rendered).toContain("error[E0308]: mismatched types");
    expect(parsed.rendered).toContain("aborting due to 1 previous error");
    expect(parsed.executables).toEqual([
      {
        path: "/work/target/debug/demo",
        name: "demo",
        kind: ["bin"],
        source: "src/main.rs",
        test: false,
      },
    ]);
  });

  it("keeps paths inside the project only", () => {
    expect(projectRelative("src/main.rs", "/work")).toBe("src/main.rs");
    expect(projectRelative("/work/tests/a.rs", "/work")).toBe("tests/a.rs");
    expect(projectRelative("/rustc/x/library/std/src/lib.rs", "/work")).toBeNull();
    expect(projectRelative("<anon>", "/work")).toBeNull();
    expect(projectRelative("../x.rs", "/work")).toBeNull();
  });
});
