import { describe, expect, it } from "vitest";
import {
  declaredNames,
  describeFailureCause,
  findFailureCause,
  usesNamesOf,
} from "./failure-cause";
import { createNotebookState, notebookReducer, type NotebookState } from "./reducer";
import type { CellKind, CellOutput } from "./types";

const cells = (...list: [string, string, CellKind?][]) =>
  createNotebookState(list.map(([id, code, kind]) => ({ id, code, kind: kind ?? "tfjs" })));

/** Runs `id` through the reducer: start, its outputs, an optional check verdict, finish. */
function ran(
  state: NotebookState,
  id: string,
  outputs: CellOutput[],
  end: { status: "ok" | "error" | "interrupted"; passed?: boolean },
): NotebookState {
  let next = notebookReducer(state, { type: "start", id, at: 0 });
  for (const output of outputs) next = notebookReducer(next, { type: "output", id, output });
  if (end.passed !== undefined)
    next = notebookReducer(next, {
      type: "check",
      id,
      result: { passed: end.passed, message: "m" },
    });
  return notebookReducer(next, {
    type: "finish",
    id,
    outcome: { status: end.status, durationMs: 1 },
  });
}

const typeError: CellOutput = {
  type: "error",
  name: "TypeError",
  message: "Cannot read properties of null (reading 'predict')",
  line: 2,
  column: 52,
};

describe("declaredNames / usesNamesOf", () => {
  it("finds declarations, destructuring and functions, not properties or strings", () => {
    expect([
      ...declaredNames(
        "const a = 1; let { b, c: d, ...e } = x; const [f, , g = 2] = y; async function h() {} class K {}",
      ),
    ]).toEqual(["a", "h", "K", "b", "d", "e", "f", "g"]);
    expect(usesNamesOf("model.predict(X)", "const restored = null;")).toBe(false);
    expect(usesNamesOf("restored.predict(X)", "const restored = null;")).toBe(true);
    expect(usesNamesOf("obj.restored(X); // restored", "const restored = 1")).toBe(false);
    expect(usesNamesOf('log("restored")', "const restored = 1")).toBe(false);
    // a cell that declares the name itself does not depend on the one above for it
    expect(usesNamesOf("const restored = 2; restored.x", "const restored = 1")).toBe(false);
  });
});

describe("findFailureCause", () => {
  const lesson = () =>
    cells(
      ["train", "const model = fit();"],
      ["round-trip", "const restored = null;"],
      ["compare", "const y = restored.predict(X); model.predict(X);"],
    );

  it("names an unsolved exercise above that the failing cell uses, and the reducer keeps it", () => {
    let s = ran(lesson(), "train", [], { status: "ok" });
    s = ran(s, "round-trip", [], { status: "ok", passed: false });
    expect(s.cells["round-trip"]?.status).toBe("check-failed");
    s = ran(s, "compare", [typeError], { status: "error" });
    expect(s.cells.compare?.cause).toEqual({ cellId: "round-trip", problem: "check-failed" });
  });

  it("names the topmost cell used that failed or never ran", () => {
    let s = ran(lesson(), "round-trip", [], { status: "error" });
    s = ran(s, "compare", [typeError], { status: "error" });
    // "train" never ran and "compare" uses its `model`: that comes first
    expect(findFailureCause(s, "compare")).toEqual({ cellId: "train", problem: "not-run" });
    s = ran(s, "train", [], { status: "interrupted" });
    expect(findFailureCause(s, "compare")).toEqual({ cellId: "train", problem: "interrupted" });
    s = ran(s, "train", [], { status: "ok" });
    expect(findFailureCause(s, "compare")).toEqual({ cellId: "round-trip", problem: "failed" });
  });

  it("blames no one for the cell's own syntax error, or when the cells it uses are fine", () => {
    let s = ran(lesson(), "round-trip", [], { status: "error" });
    s = ran(
      s,
      "compare",
      [{ type: "error", name: "SyntaxError", message: "Unexpected token", line: 1, column: 3 }],
      { status: "error" },
    );
    expect(s.cells.compare?.cause).toBeNull();
    const fine = ran(ran(lesson(), "train", [], { status: "ok" }), "round-trip", [], {
      status: "ok",
      passed: true,
    });
    expect(ran(fine, "compare", [typeError], { status: "error" }).cells.compare?.cause).toBeNull();
    // a cell above that failed but whose names this cell does not use is not the cause
    const other = cells(["a", "const unrelated = 1;"], ["b", "const x = null; x.y;"]);
    const failedA = ran(other, "a", [], { status: "error" });
    expect(ran(failedA, "b", [typeError], { status: "error" }).cells.b?.cause).toBeNull();
  });

  it("takes the runtime's own attribution (a Cypher cell replayed above) and its timeout", () => {
    const s = cells(
      ["slow", "MATCH (a), (b) RETURN count(*)", "cypher"],
      ["next", "RETURN 1", "cypher"],
    );
    const after = ran(
      s,
      "next",
      [{ type: "error", name: "CellAboveTimedOut", message: "…", causeCellId: "slow" }],
      { status: "error" },
    );
    expect(after.cells.next?.cause).toEqual({ cellId: "slow", problem: "timed-out" });
    // Cypher cells replay the cells above: not having run them is no cause
    const own = ran(s, "next", [typeError], { status: "error" });
    expect(own.cells.next?.cause).toBeNull();
    // an unknown cell named by a runtime is not linked
    const unknown = ran(
      s,
      "next",
      [{ type: "error", name: "CellAboveFailed", message: "…", causeCellId: "nope" }],
      { status: "error" },
    );
    expect(unknown.cells.next?.cause).toBeNull();
  });

  it("clears the cause on the next start and says what to do for each problem", () => {
    let s = ran(lesson(), "compare", [typeError], { status: "error" });
    expect(s.cells.compare?.cause).not.toBeNull();
    s = notebookReducer(s, { type: "start", id: "compare", at: 1 });
    expect(s.cells.compare?.cause).toBeNull();
    expect(describeFailureCause({ cellId: "x", problem: "check-failed" }).after).toMatch(
      /check has not passed/,
    );
    expect(describeFailureCause({ cellId: "x", problem: "timed-out" }).after).toMatch(/too long/);
  });
});
