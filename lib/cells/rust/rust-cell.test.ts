import { describe, expect, it } from "vitest";
import type { CellOutput, RunRequest } from "@/lib/notebook/types";
import {
  createRustRuntime,
  diagnosticsToMarkers,
  projectFilesForCell,
  resultOutputs,
  type RustTransport,
} from "./rust-cell";
import type { RustVerdict } from "./run-events";
import type { RustRunResult } from "@/lib/rust-sandbox/types";

const MANIFEST = {
  path: "Cargo.toml",
  content: `[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n`,
};

function request(
  code: string,
  attributes: RunRequest["attributes"] = {},
  lessonCells: RunRequest["lessonCells"] = [],
): RunRequest {
  return {
    lessonKey: "rust/01-basics/01-hello",
    cell: { id: "hello", kind: "rust", code },
    previousCells: [],
    lessonCells,
    attributes,
  };
}

function result(overrides: Partial<RustRunResult>): RustRunResult {
  return {
    status: "ok",
    exitCode: 0,
    stdout: "",
    stderr: "",
    diagnostics: [],
    compileMs: 412,
    runMs: 31,
    truncated: false,
    ...overrides,
  };
}

describe("projectFilesForCell", () => {
  it("wraps a lone cell in a default package", () => {
    const { files, file } = projectFilesForCell(request("fn main() {}"));
    expect(file).toBe("src/main.rs");
    expect(files.map((f) => f.path)).toEqual(["Cargo.toml", "src/main.rs"]);
    expect(files[0]?.content).toContain('name = "playground"');
  });

  it("builds the cell's Cargo project from the lesson's cells, with the cell's current code", () => {
    const project = { project: "demo", manifest: MANIFEST.content };
    const lessonCells: RunRequest["lessonCells"] = [
      { id: "intro", kind: "tfjs", code: "console.log(1)", attributes: {} },
      { id: "main", kind: "rust", code: "fn main() { demo::run() }", attributes: project },
      { id: "hello", kind: "rust", code: "old", attributes: { ...project, file: "src/lib.rs" } },
    ];
    const { files, file } = projectFilesForCell(
      request("pub fn run() {}", { file: "src/lib.rs" }, lessonCells),
    );
    expect(file).toBe("src/lib.rs");
    expect(files).toEqual([
      MANIFEST,
      { path: "src/lib.rs", content: "pub fn run() {}" },
      { path: "src/main.rs", content: "fn main() { demo::run() }" },
    ]);
  });
});

describe("outputs and markers", () => {
  const diagnostics = [
    {
      file: "src/main.rs",
      line: 2,
      column: 18,
      endLine: 2,
      endColumn: 25,
      message: "mismatched types",
      severity: "error" as const,
    },
    {
      file: "src/lib.rs",
      line: 1,
      column: 1,
      message: "cannot find value `x`",
      severity: "error" as const,
    },
    {
      file: "src/main.rs",
      line: 3,
      column: 9,
      message: "unused variable",
      severity: "warning" as const,
    },
  ];

  it("marks only errors in the cell's own file", () => {
    expect(diagnosticsToMarkers(diagnostics, "src/main.rs")).toEqual([
      { line: 2, column: 18, endLine: 2, endColumn: 25, message: "mismatched types" },
    ]);
  });

  it("shows compile errors with their lines, then the compiler text and a summary", () => {
    const outputs = resultOutputs(
      result({
        status: "compile-error",
        exitCode: 101,
        diagnostics,
        stderr: "error[E0308]…",
        runMs: 0,
        message: "The project did not compile.",
      }),
      "src/main.rs",
    );
    expect(outputs[0]).toEqual({
      type: "error",
      name: "error",
      message: "mismatched types (src/main.rs:2:18)",
      line: 2,
      column: 18,
    });
    expect(outputs[1]).toEqual({
      type: "error",
      name: "error",
      message: "cannot find value `x` (src/lib.rs:1:1)",
    });
    expect(outputs).toContainEqual({ type: "text", stream: "stderr", text: "error[E0308]…" });
    expect(outputs.at(-1)).toEqual({
      type: "text",
      stream: "info",
      text: "The project did not compile. · compiled in 412 ms",
    });
  });

  it("shows program output, warnings and exit status", () => {
    const outputs = resultOutputs(
      result({ stdout: "hi\n", stderr: "oops\n", diagnostics: diagnostics.slice(2), runMs: 1500 }),
      "src/main.rs",
    );
    expect(outputs).toEqual([
      { type: "text", stream: "info", text: "warning: unused variable (src/main.rs:3:9)\n" },
      { type: "text", stream: "stdout", text: "hi\n" },
      { type: "text", stream: "stderr", text: "oops\n" },
      {
        type: "text",
        stream: "info",
        text: "Finished · exit code 0 · compiled in 412 ms · ran in 1.5 s",
      },
    ]);
  });
});

describe("createRustRuntime", () => {
  function fakeTransport(
    answer: RustRunResult,
    positions: number[] = [],
    verdict?: RustVerdict,
  ): RustTransport & { sent: Parameters<RustTransport["run"]>[0][] } {
    const sent: Parameters<RustTransport["run"]>[0][] = [];
    return {
      sent,
      run: async (input, onQueuePosition) => {
        sent.push(input);
        for (const p of positions) onQueuePosition(p);
        return verdict ? { result: answer, verdict } : { result: answer };
      },
      cancel: async () => true,
      status: () => null,
    };
  }

  it("sends the project, shows the queue position, and returns markers on errors", async () => {
    const diagnostics = [
      {
        file: "src/main.rs",
        line: 1,
        column: 5,
        message: "expected `;`",
        severity: "error" as const,
      },
    ];
    const transport = fakeTransport(
      result({ status: "compile-error", exitCode: 101, diagnostics }),
      [2, 2, 1, 0],
    );
    const outputs: CellOutput[] = [];
    const outcome = await createRustRuntime(transport).run(
      request("fn main() { x }", { mode: "test" }),
      (o) => outputs.push(o),
      new AbortController().signal,
    );
    expect(transport.sent[0]?.mode).toBe("test");
    expect(transport.sent[0]?.files.find((f) => f.path === "src/main.rs")?.content).toBe(
      "fn main() { x }",
    );
    const labels = outputs
      .filter((o) => o.type === "progress")
      .map((o) => (o.type === "progress" ? o.label : ""));
    expect(labels).toEqual([
      "Building and testing…",
      "Waiting for a build slot: position 2 in the queue",
      "Waiting for a build slot: position 1 in the queue",
      "Building and testing…",
      "Finished with problems",
    ]);
    expect(outcome).toMatchObject({
      status: "error",
      markers: [{ line: 1, column: 5, message: "expected `;`" }],
    });
  });

  it("is unavailable when the server says so, and leaves the check to the server", async () => {
    const transport = fakeTransport(result({}), [], {
      passed: true,
      message: "All checks passed.",
      verifiedBy: "server",
      recorded: true,
    });
    const runtime = createRustRuntime({
      ...transport,
      status: () => ({ available: false, reason: "RUST_RUNNER=off" }),
    });
    expect(runtime.unavailable()).toEqual({ reason: "RUST_RUNNER=off" });
    const anonymous = createRustRuntime({
      ...transport,
      status: () => ({ available: false, reason: "Sign in to run", signIn: true }),
    });
    expect(anonymous.unavailable()).toEqual({ reason: "Sign in to run", signIn: true });
    const verdict = await createRustRuntime(transport).check?.(
      {
        ...request("pub fn two() -> i32 { 2 }"),
        check: "#[test] fn is_two() { assert_eq!(two(), 2); }",
      },
      () => undefined,
      new AbortController().signal,
    );
    expect(verdict).toEqual({ passed: true, message: "All checks passed.", verifiedBy: "server" });
    // Only the learner's code goes out: the check is the lesson's, on the server.
    const sentMain = transport.sent[0]?.files.find((f) => f.path === "src/main.rs")?.content ?? "";
    expect(transport.sent[0]?.mode).toBe("check");
    expect(sentMain).toBe("pub fn two() -> i32 { 2 }");
    expect(JSON.stringify(transport.sent)).not.toContain("is_two");
  });

  it("reports a check the server could not judge as not passed, never as verified", async () => {
    const transport = fakeTransport(
      result({ status: "unavailable", message: "Running Rust is turned off" }),
    );
    const verdict = await createRustRuntime(transport).check?.(
      { ...request("fn main() {}"), check: "#[test] fn t() {}" },
      () => undefined,
      new AbortController().signal,
    );
    expect(verdict).toEqual({ passed: false, message: "Running Rust is turned off" });
  });

  it("shows a refused run (429, 401) as the server's message", async () => {
    const transport: RustTransport = {
      run: async () => {
        throw new Error("Too many runs; try again in 12 s.");
      },
      cancel: async () => false,
      status: () => null,
    };
    const outputs: CellOutput[] = [];
    const outcome = await createRustRuntime(transport).run(
      request("fn main() {}"),
      (o) => outputs.push(o),
      new AbortController().signal,
    );
    expect(outcome.status).toBe("error");
    expect(outputs).toContainEqual({
      type: "error",
      name: "Run refused",
      message: "Too many runs; try again in 12 s.",
    });
  });
});
