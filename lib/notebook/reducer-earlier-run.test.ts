import { describe, expect, it } from "vitest";
import { createNotebookState, notebookReducer } from "./reducer";
import type { CellOutput } from "./types";

const printed = (text: string): CellOutput[] => [{ type: "text", stream: "stdout", text }];
const kept = (text: string, trimmed = false) => ({ outputs: printed(text), savedAt: 99, trimmed });

describe("outputs from an earlier run", () => {
  const initial = () =>
    createNotebookState([
      { id: "a", kind: "tfjs", code: "1" },
      { id: "b", kind: "tfjs", code: "2" },
    ]);

  it("are shown, marked with when, in cells not run on this visit", () => {
    const s = notebookReducer(initial(), {
      type: "restore",
      codes: {},
      outputs: { a: kept("old", true), b: { outputs: [], savedAt: 1, trimmed: false } },
    });
    expect(s.cells.a?.outputs).toEqual(printed("old"));
    expect(s.cells.a?.earlierRun).toEqual({ savedAt: 99, trimmed: true });
    expect(s.cells.b?.earlierRun).toBeNull();
  });

  it("never replace what a run on this visit showed", () => {
    let s = notebookReducer(initial(), { type: "start", id: "a", at: 1 });
    s = notebookReducer(s, { type: "output", id: "a", output: printed("new")[0]! });
    s = notebookReducer(s, { type: "finish", id: "a", outcome: { status: "ok", durationMs: 1 } });
    s = notebookReducer(s, { type: "restore", codes: {}, outputs: { a: kept("old") } });
    expect(s.cells.a?.outputs).toEqual(printed("new"));
    expect(s.cells.a?.earlierRun).toBeNull();
  });

  it("lose their mark when the cell runs again, and go on reset", () => {
    const restored = notebookReducer(initial(), {
      type: "restore",
      codes: {},
      outputs: { a: kept("old"), b: kept("older") },
    });
    const ran = notebookReducer(restored, { type: "start", id: "a", at: 5 });
    expect(ran.cells.a?.earlierRun).toBeNull();
    expect(ran.cells.a?.outputs).toEqual([]);
    const reset = notebookReducer(restored, { type: "reset-all" });
    expect(reset.cells.b?.outputs).toEqual([]);
    expect(reset.cells.b?.earlierRun).toBeNull();
  });
});
