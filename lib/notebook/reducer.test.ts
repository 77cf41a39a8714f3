import { describe, expect, it } from "vitest";
import {
  cellsAbove,
  createNotebookState,
  isEdited,
  notebookReducer,
  PASSED_BEFORE,
} from "./reducer";

const initial = () =>
  createNotebookState([
    { id: "a", kind: "tfjs", code: "const x = 1;" },
    { id: "b", kind: "tfjs", code: "display(x);" },
  ]);

describe("notebookReducer", () => {
  it("edits and resets to the lesson code", () => {
    let s = notebookReducer(initial(), { type: "edit", id: "a", code: "const x = 2;" });
    expect(s.cells.a?.code).toBe("const x = 2;");
    expect(isEdited(s.cells.a!)).toBe(true);
    s = notebookReducer(s, { type: "reset", id: "a" });
    expect(s.cells.a?.code).toBe("const x = 1;");
    expect(isEdited(s.cells.a!)).toBe(false);
  });

  it("restores saved code and earlier passes, and resets the whole lesson", () => {
    let s = notebookReducer(initial(), {
      type: "restore",
      codes: { a: "const x = 3;" },
      passed: ["b"],
    });
    expect(s.cells.a?.code).toBe("const x = 3;");
    expect(s.cells.b?.check).toEqual(PASSED_BEFORE);
    s = notebookReducer(s, { type: "edit", id: "b", code: "display(x * 2);" });
    s = notebookReducer(s, { type: "reset-all" });
    expect(Object.values(s.cells).map((c) => [c.code, c.check, c.status])).toEqual([
      ["const x = 1;", null, "idle"],
      ["display(x);", null, "idle"],
    ]);
  });

  it("runs through queued → running → done with outputs and duration", () => {
    let s = notebookReducer(initial(), { type: "queue", id: "a" });
    expect(s.cells.a?.status).toBe("queued");
    s = notebookReducer(s, { type: "start", id: "a", at: 100 });
    s = notebookReducer(s, {
      type: "output",
      id: "a",
      output: { type: "text", stream: "stdout", text: "1\n" },
    });
    s = notebookReducer(s, {
      type: "output",
      id: "a",
      output: { type: "text", stream: "stdout", text: "2\n" },
    });
    s = notebookReducer(s, { type: "finish", id: "a", outcome: { status: "ok", durationMs: 12 } });
    expect(s.cells.a).toMatchObject({ status: "done", durationMs: 12, runCount: 1 });
    expect(s.cells.a?.outputs).toEqual([{ type: "text", stream: "stdout", text: "1\n2\n" }]);
  });

  it("keeps error markers, clears them on the next edit, and ignores outputs after finishing", () => {
    let s = notebookReducer(initial(), { type: "start", id: "b", at: 0 });
    s = notebookReducer(s, {
      type: "finish",
      id: "b",
      outcome: {
        status: "error",
        durationMs: 1,
        markers: [{ line: 1, message: "x is not defined" }],
      },
    });
    expect(s.cells.b?.status).toBe("error");
    expect(s.cells.b?.markers).toHaveLength(1);
    s = notebookReducer(s, {
      type: "output",
      id: "b",
      output: { type: "text", stream: "stdout", text: "late" },
    });
    expect(s.cells.b?.outputs).toEqual([]);
    s = notebookReducer(s, { type: "edit", id: "b", code: "display(1);" });
    expect(s.cells.b?.markers).toEqual([]);
  });

  it("cancels only queued cells", () => {
    let s = notebookReducer(initial(), { type: "start", id: "a", at: 0 });
    s = notebookReducer(s, { type: "queue", id: "b" });
    s = notebookReducer(s, { type: "cancel-queued" });
    expect(s.cells.a?.status).toBe("running");
    expect(s.cells.b?.status).toBe("idle");
  });

  it("ignores unknown cells and lists the cells above", () => {
    const s = initial();
    expect(notebookReducer(s, { type: "edit", id: "zzz", code: "" })).toBe(s);
    expect(cellsAbove(s, "b")).toEqual(["a"]);
    expect(cellsAbove(s, "a")).toEqual([]);
  });
});

describe("changed lessons", () => {
  it("keeps the learner's code until they choose, then applies the choice", () => {
    let s = notebookReducer(initial(), {
      type: "restore",
      codes: {},
      conflicts: { a: { mine: "const x = 9;", lessonCode: "const x = 1;" } },
    });
    expect(s.cells.a).toMatchObject({ code: "const x = 9;", conflict: { mine: "const x = 9;" } });
    const kept = notebookReducer(s, { type: "resolve-conflict", id: "a", choice: "mine" });
    expect(kept.cells.a).toMatchObject({ code: "const x = 9;", conflict: null });
    s = notebookReducer(s, { type: "resolve-conflict", id: "a", choice: "lesson" });
    expect(s.cells.a).toMatchObject({ code: "const x = 1;", conflict: null });
  });
});
