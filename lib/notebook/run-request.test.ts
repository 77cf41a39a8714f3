import { describe, expect, it } from "vitest";
import { createNotebookState, notebookReducer } from "./reducer";
import { buildRunRequest, type NotebookCellSpec } from "./run-request";

const specs: NotebookCellSpec[] = [
  {
    id: "load",
    kind: "cypher",
    role: "cell",
    code: "CREATE (:A)",
    attributes: { dataset: "movies" },
  },
  {
    id: "lib",
    kind: "rust",
    role: "cell",
    code: "pub fn f() {}",
    attributes: { project: "p", file: "src/lib.rs" },
  },
  {
    id: "query",
    kind: "cypher",
    role: "exercise",
    code: "MATCH (n) RETURN n",
    attributes: { dataset: "movies" },
    check: "x",
  },
];

describe("buildRunRequest", () => {
  it("carries every lesson cell with the learner's code and attributes, and the same kind above", () => {
    const state = notebookReducer(createNotebookState(specs), {
      type: "edit",
      id: "lib",
      code: "pub fn g() {}",
    });
    const request = buildRunRequest("t/c/l", specs, state, "query");
    expect(request.cell).toEqual({ id: "query", kind: "cypher", code: "MATCH (n) RETURN n" });
    expect(request.previousCells).toEqual([{ id: "load", kind: "cypher", code: "CREATE (:A)" }]);
    expect(request.lessonCells.map((c) => [c.id, c.code])).toEqual([
      ["load", "CREATE (:A)"],
      ["lib", "pub fn g() {}"],
      ["query", "MATCH (n) RETURN n"],
    ]);
    expect(request.lessonCells[1]?.attributes).toEqual({ project: "p", file: "src/lib.rs" });
    expect(request.attributes).toEqual({ dataset: "movies", role: "exercise" });
  });

  it("refuses a cell the lesson does not have", () => {
    expect(() => buildRunRequest("t/c/l", specs, createNotebookState(specs), "nope")).toThrow(
      RangeError,
    );
  });
});
