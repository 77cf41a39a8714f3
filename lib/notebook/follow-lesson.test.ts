import { describe, expect, it } from "vitest";
import { followLessonCode } from "./follow-lesson";
import { createNotebookState, notebookReducer } from "./reducer";

const lesson = [
  { id: "a", kind: "tfjs" as const, code: "const x = 1;" },
  { id: "b", kind: "tfjs" as const, code: "x + 1" },
];

describe("followLessonCode", () => {
  it("gives unedited cells the file's new code", () => {
    const state = createNotebookState(lesson);
    const next = followLessonCode(state, [lesson[0]!, { ...lesson[1]!, code: "x + 2" }]);
    expect(next.cells.b?.code).toBe("x + 2");
    expect(next.cells.b?.lessonCode).toBe("x + 2");
    expect(next.cells.a).toBe(state.cells.a);
  });

  it("keeps the reader's edit and makes Reset restore the new lesson code", () => {
    const edited = notebookReducer(createNotebookState(lesson), {
      type: "edit",
      id: "b",
      code: "x * 10",
    });
    const next = followLessonCode(edited, [lesson[0]!, { ...lesson[1]!, code: "x + 2" }]);
    expect(next.cells.b?.code).toBe("x * 10");
    expect(notebookReducer(next, { type: "reset", id: "b" }).cells.b?.code).toBe("x + 2");
  });

  it("keeps outputs and run state of a cell whose code changed", () => {
    let state = createNotebookState(lesson);
    state = notebookReducer(state, { type: "start", id: "a", at: 1 });
    state = notebookReducer(state, {
      type: "finish",
      id: "a",
      outcome: { status: "ok", durationMs: 5 },
    });
    const next = followLessonCode(state, [{ ...lesson[0]!, code: "const x = 2;" }, lesson[1]!]);
    expect(next.cells.a).toMatchObject({ code: "const x = 2;", status: "done", runCount: 1 });
  });

  it("adds new cells, drops removed ones and follows the new order", () => {
    const state = createNotebookState(lesson);
    const next = followLessonCode(state, [
      { id: "c", kind: "cypher", code: "RETURN 1" },
      lesson[0]!,
    ]);
    expect(next.order).toEqual(["c", "a"]);
    expect(next.cells.b).toBeUndefined();
    expect(next.cells.c).toMatchObject({
      code: "RETURN 1",
      lessonCode: "RETURN 1",
      status: "idle",
    });
  });

  it("starts a cell afresh when its kind changed", () => {
    const state = notebookReducer(createNotebookState(lesson), {
      type: "edit",
      id: "b",
      code: "mine",
    });
    const next = followLessonCode(state, [
      lesson[0]!,
      { id: "b", kind: "cypher", code: "RETURN 2" },
    ]);
    expect(next.cells.b).toMatchObject({ kind: "cypher", code: "RETURN 2" });
  });

  it("moves an open conflict's lesson side to the newest code", () => {
    const state = notebookReducer(createNotebookState(lesson), {
      type: "restore",
      codes: {},
      conflicts: { b: { mine: "mine", lessonCode: "x + 1" } },
    });
    const next = followLessonCode(state, [lesson[0]!, { ...lesson[1]!, code: "x + 3" }]);
    expect(next.cells.b?.conflict).toEqual({ mine: "mine", lessonCode: "x + 3" });
    expect(next.cells.b?.code).toBe("mine");
  });

  it("returns the same state when nothing changed", () => {
    const state = createNotebookState(lesson);
    expect(
      followLessonCode(
        state,
        lesson.map((c) => ({ ...c })),
      ),
    ).toBe(state);
  });
});
