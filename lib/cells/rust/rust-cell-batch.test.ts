import { describe, expect, it } from "vitest";
import type { CellOutput, LessonCellSource, RunRequest } from "@/lib/notebook/types";
import type { RustRunResult } from "@/lib/rust-sandbox/types";
import { batchMembers, createRustRuntime, type RustTransport } from "./rust-cell";

const ok = (stdout: string): RustRunResult => ({
  status: "ok",
  exitCode: 0,
  stdout,
  stderr: "",
  diagnostics: [],
  compileMs: 5,
  runMs: 1,
  truncated: false,
});

const manifest = '[package]\nname = "shapes"\nversion = "0.1.0"\nedition = "2021"\n';
const lessonCells: LessonCellSource[] = [
  { id: "alone", kind: "rust", code: "fn main() {}", attributes: {} },
  {
    id: "main",
    kind: "rust",
    code: "mod shape;\nfn main() {}",
    attributes: { project: "shapes", file: "src/main.rs", manifest },
  },
  { id: "query", kind: "cypher", code: "RETURN 1", attributes: {} },
  {
    id: "shape",
    kind: "rust",
    code: "pub fn area() -> f64 { 0.0 }",
    attributes: { project: "shapes", file: "src/shape.rs", manifest },
  },
];
const batch = { id: "run-all-1", cellIds: ["alone", "main", "query", "shape"] };

function requestFor(id: string, withBatch = true): RunRequest {
  const cell = lessonCells.find((c) => c.id === id)!;
  return {
    lessonKey: "rust/types/structs-enums-and-match",
    cell: { id, kind: "rust", code: cell.code },
    previousCells: [],
    lessonCells,
    attributes: { ...cell.attributes, role: id === "shape" ? "exercise" : "cell" },
    ...(withBatch ? { batch } : {}),
  };
}

function fakeTransport() {
  const calls = { single: [] as string[], batches: [] as string[][] };
  const transport: RustTransport = {
    run: async (input) => {
      calls.single.push(input.cellId);
      return { result: ok(`single ${input.cellId}\n`) };
    },
    runBatch: async (input, onQueuePosition, onCell) => {
      calls.batches.push(input.cells.map((c) => c.cellId));
      onQueuePosition(0);
      for (const cell of input.cells)
        onCell({
          type: "cell",
          cellId: cell.cellId,
          result: ok("one build\n"),
          ...(cell.cellId === "shape"
            ? {
                check: {
                  result: ok("test result: ok\n"),
                  verdict: {
                    passed: true,
                    message: "All checks passed.",
                    verifiedBy: "server" as const,
                    recorded: true,
                  },
                },
              }
            : {}),
        });
    },
    cancel: async () => true,
    status: () => ({ available: true }),
  };
  return { transport, calls };
}

const texts = (outputs: CellOutput[]) =>
  outputs.flatMap((o) => (o.type === "text" && o.stream === "stdout" ? [o.text] : []));

describe("Run all of a Rust project", () => {
  it("finds the batch's cells of this cell's project, in run order", () => {
    expect(batchMembers(requestFor("shape"))).toEqual(["main", "shape"]);
    expect(batchMembers(requestFor("alone"))).toEqual(["alone"]);
    expect(batchMembers(requestFor("shape", false))).toEqual([]);
  });

  it("sends one request for the project's cells and gives each cell its output and check from it", async () => {
    const { transport, calls } = fakeTransport();
    const runtime = createRustRuntime(transport);
    const signal = new AbortController().signal;
    const outputs: Record<string, CellOutput[]> = { alone: [], main: [], shape: [] };

    await runtime.run(requestFor("alone"), (o) => outputs.alone!.push(o), signal);
    const main = await runtime.run(requestFor("main"), (o) => outputs.main!.push(o), signal);
    const shape = await runtime.run(requestFor("shape"), (o) => outputs.shape!.push(o), signal);
    const verdict = await runtime.check!(
      { ...requestFor("shape"), check: "#[test] fn t() {}" },
      (o) => outputs.shape!.push(o),
      signal,
    );

    // The lone cell is its own project: a plain run. The project's two cells: one batch.
    expect(calls.single).toEqual(["alone"]);
    expect(calls.batches).toEqual([["main", "shape"]]);
    expect(main.status).toBe("ok");
    expect(shape.status).toBe("ok");
    expect(texts(outputs.main!)).toEqual(["one build\n"]);
    expect(texts(outputs.shape!)).toEqual(["one build\n", "test result: ok\n"]);
    expect(verdict).toEqual({ passed: true, message: "All checks passed.", verifiedBy: "server" });
  });

  it("runs a cell on its own when it is not part of a Run all, or was edited after the batch left", async () => {
    const { transport, calls } = fakeTransport();
    const runtime = createRustRuntime(transport);
    const signal = new AbortController().signal;
    await runtime.run(requestFor("main", false), () => undefined, signal);
    expect(calls).toEqual({ single: ["main"], batches: [] });

    await runtime.run(requestFor("main"), () => undefined, signal);
    const edited = {
      ...requestFor("shape"),
      cell: { id: "shape", kind: "rust" as const, code: "// mine" },
    };
    await runtime.run(edited, () => undefined, signal);
    expect(calls.batches).toEqual([["main", "shape"]]);
    expect(calls.single).toEqual(["main", "shape"]);
  });
});
