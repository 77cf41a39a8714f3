import { describe, expect, it } from "vitest";
import {
  parseMainToWorker,
  parseWorkerToMain,
  type MainToWorker,
  type WorkerToMain,
} from "./protocol";

describe("main → worker messages", () => {
  it("accepts every well-formed message", () => {
    const messages: MainToWorker[] = [
      { type: "init", backend: "wasm", fastRnn: true, wasmPath: "/tfjs/" },
      {
        type: "run",
        runId: "r1",
        cellId: "make-series",
        code: "const a = 1",
        previousCells: [{ id: "x", code: "" }],
      },
      { type: "set-backend", backend: "webgpu" },
    ];
    for (const m of messages) expect(parseMainToWorker(m)).toEqual({ ok: true, message: m });
  });

  it("rejects unknown types, unknown backends and missing fields", () => {
    expect(parseMainToWorker({ type: "eval", code: "1" }).ok).toBe(false);
    expect(parseMainToWorker({ type: "set-backend", backend: "tpu" }).ok).toBe(false);
    expect(parseMainToWorker({ type: "run", runId: "r1", code: "1" }).ok).toBe(false);
    expect(parseMainToWorker(null).ok).toBe(false);
    const bad = parseMainToWorker({
      type: "init",
      backend: "wasm",
      fastRnn: "yes",
      wasmPath: "/tfjs/",
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/fastRnn/);
  });
});

describe("worker → main messages", () => {
  const memory = { numTensors: 3, numBytes: 1024 };

  it("accepts outputs of every kind", () => {
    const m: WorkerToMain = {
      type: "outputs",
      runId: "r1",
      outputs: [
        { type: "text", stream: "stdout", text: "hi" },
        { type: "table", columns: ["a"], rows: [[1]], totalRows: 1 },
        { type: "tensor", shape: [2, 3], dtype: "float32", preview: "Tensor" },
        { type: "plot", plotId: "p1", traces: [{ y: [1, 2] }], layout: { title: "t" } },
        {
          type: "progress",
          progressId: "g",
          label: "Epoch",
          value: 1,
          max: 10,
          etaSeconds: 3,
          detail: "loss 0.1",
        },
        { type: "error", name: "TypeError", message: "x", line: 2, column: 5 },
        { type: "success", message: "ok" },
      ],
    };
    expect(parseWorkerToMain(m)).toEqual({ ok: true, message: m });
  });

  it("accepts ready, done, memory and fatal", () => {
    const ms: WorkerToMain[] = [
      { type: "ready", backend: "cpu", notice: "wasm failed", memory },
      {
        type: "done",
        runId: "r1",
        status: "error",
        error: { name: "Error", message: "m", line: 1 },
        durationMs: 3,
        memory,
        leakedTensors: 2,
      },
      { type: "memory", memory },
      { type: "fatal", message: "Aborted(OOM)" },
    ];
    for (const m of ms) expect(parseWorkerToMain(m)).toEqual({ ok: true, message: m });
  });

  it("rejects malformed outputs and out-of-range numbers", () => {
    expect(
      parseWorkerToMain({
        type: "outputs",
        runId: "r",
        outputs: [{ type: "text", stream: "log", text: "" }],
      }).ok,
    ).toBe(false);
    expect(
      parseWorkerToMain({
        type: "outputs",
        runId: "r",
        outputs: [{ type: "tensor", shape: [-1], dtype: "f", preview: "" }],
      }).ok,
    ).toBe(false);
    expect(
      parseWorkerToMain({
        type: "outputs",
        runId: "r",
        outputs: [{ type: "error", name: "x", message: "y", line: 0 }],
      }).ok,
    ).toBe(false);
    expect(
      parseWorkerToMain({
        type: "done",
        runId: "r",
        status: "ok",
        durationMs: -1,
        memory,
        leakedTensors: 0,
      }).ok,
    ).toBe(false);
    expect(parseWorkerToMain({ type: "memory", memory: { numTensors: 1.5, numBytes: 0 } }).ok).toBe(
      false,
    );
  });
});
