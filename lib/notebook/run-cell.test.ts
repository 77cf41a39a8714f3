import { describe, expect, it } from "vitest";
import type { NotebookAction } from "./reducer";
import { runCell } from "./run-cell";
import type { NotebookCellSpec } from "./run-request";
import type { CellRuntime, RunRequest } from "./types";

const spec = (over: Partial<NotebookCellSpec> = {}): NotebookCellSpec => ({
  id: "ex",
  kind: "tfjs",
  role: "exercise",
  code: "x",
  attributes: {},
  check: "assert(x)",
  ...over,
});

const request: RunRequest = {
  lessonKey: "t/c/l",
  cell: { id: "ex", kind: "tfjs", code: "x" },
  previousCells: [{ id: "setup", kind: "tfjs", code: "s" }],
  lessonCells: [],
  attributes: { role: "exercise" },
};

function runtime(run: CellRuntime["run"], extra: Partial<CellRuntime> = {}): CellRuntime {
  return { kind: "tfjs", unavailable: () => null, run, ...extra };
}

async function collect(r: CellRuntime, s = spec(), signal = new AbortController().signal) {
  const actions: NotebookAction[] = [];
  const result = await runCell(
    r,
    s,
    request,
    signal,
    (a) => actions.push(a),
    () => 42,
  );
  return { actions: actions.map((a) => a.type), all: actions, result };
}

describe("runCell", () => {
  it("runs an exercise's check block as a cell after it, while the cell still runs", async () => {
    const seen: RunRequest[] = [];
    const { actions, result } = await collect(
      runtime(async (req) => {
        seen.push(req);
        return { status: "ok", durationMs: 5 };
      }),
    );
    expect(actions).toEqual(["start", "check", "finish"]);
    expect(result.verdict).toEqual({ passed: true, message: "Check passed." });
    expect(seen[1]?.cell).toEqual({ id: "ex--check", kind: "tfjs", code: "assert(x)" });
    expect(seen[1]?.previousCells.map((c) => c.id)).toEqual(["setup", "ex"]);
  });

  it("turns a failed check block into the verdict, never an error citing the hidden check", async () => {
    const { all, result } = await collect(
      runtime(async (req, emit) => {
        if (req.cell.id !== "ex--check") return { status: "ok", durationMs: 5 };
        emit({
          type: "error",
          name: "Error",
          message: "ys should have shape [4, 1]",
          line: 1,
          column: 61,
        });
        emit({
          type: "text",
          stream: "info",
          text: "This run left 1 tensor that no variable refers to",
        });
        return { status: "error", durationMs: 1, markers: [{ line: 1, column: 61, message: "x" }] };
      }),
    );
    expect(result.verdict).toEqual({ passed: false, message: "ys should have shape [4, 1]" });
    expect(result.firstError).toBeUndefined();
    expect(all.filter((a) => a.type === "output")).toEqual([]);
    expect(all.at(-1)).toEqual({
      type: "finish",
      id: "ex",
      outcome: { status: "ok", durationMs: 5 },
    });
  });

  it("uses the runtime's own check when it has one, and keeps the first error", async () => {
    const { result } = await collect(
      runtime(
        async (_req, emit) => {
          emit({ type: "error", name: "TypeError", message: "first" });
          emit({ type: "error", name: "Error", message: "second" });
          return { status: "ok", durationMs: 1 };
        },
        { check: async () => ({ passed: false, message: "no", verifiedBy: "server" }) },
      ),
    );
    expect(result.verdict).toEqual({ passed: false, message: "no", verifiedBy: "server" });
    expect(result.firstError).toBe("TypeError: first");
  });

  it("does not check a failed, stopped or plain run", async () => {
    const failed = await collect(runtime(async () => ({ status: "error", durationMs: 1 })));
    expect(failed.actions).toEqual(["start", "finish"]);
    const controller = new AbortController();
    controller.abort();
    const stopped = await collect(
      runtime(async () => ({ status: "ok", durationMs: 1 })),
      spec(),
      controller.signal,
    );
    expect(stopped.actions).toEqual(["start", "finish"]);
    const plain = await collect(
      runtime(async () => ({ status: "ok", durationMs: 1 })),
      spec({ role: "cell" }),
    );
    expect(plain.actions).toEqual(["start", "finish"]);
  });

  it("turns a runtime that cannot run or throws into an error shown under the cell", async () => {
    const off = await collect(
      runtime(async () => ({ status: "ok", durationMs: 1 }), {
        unavailable: () => ({ reason: "Sign in to run Rust." }),
      }),
    );
    expect(off.all[1]).toEqual({
      type: "output",
      id: "ex",
      output: { type: "text", stream: "info", text: "Sign in to run Rust." },
    });
    expect(off.result.outcome).toEqual({ status: "error", durationMs: 0 });
    const thrown = await collect(
      runtime(async () => {
        throw new Error("chunk failed");
      }),
    );
    expect(thrown.result).toMatchObject({
      outcome: { status: "error" },
      firstError: "Error: The cell could not run: chunk failed",
    });
  });
});
