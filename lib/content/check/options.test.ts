import { describe, expect, it } from "vitest";
import { DEFAULT_LESSON_BUDGET_S, DEFAULT_TRAINING_SCALE, parseCheckOptions, selectLessons } from "./options";

describe("parseCheckOptions", () => {
  it("uses the documented defaults", () => {
    const r = parseCheckOptions({}, []);
    expect(r).toEqual({ ok: true, options: { trainingScale: DEFAULT_TRAINING_SCALE, lessonBudgetMs: DEFAULT_LESSON_BUDGET_S * 1000, backend: "wasm", filters: [], verbose: false, exact: false } });
  });
  it("reads the knobs and treats empty variables as unset", () => {
    const r = parseCheckOptions({ CONTENT_CHECK_TRAINING_SCALE: "0.5", CONTENT_CHECK_LESSON_BUDGET_S: "90", CONTENT_CHECK_BACKEND: "cpu" }, ["rust", "--verbose"]);
    expect(r).toEqual({ ok: true, options: { trainingScale: 0.5, lessonBudgetMs: 90_000, backend: "cpu", filters: ["rust"], verbose: true, exact: false } });
    expect(parseCheckOptions({ CONTENT_CHECK_TRAINING_SCALE: " " }, [])).toMatchObject({ ok: true, options: { trainingScale: DEFAULT_TRAINING_SCALE } });
  });
  it("refuses nonsense with a clear message", () => {
    expect(parseCheckOptions({ CONTENT_CHECK_TRAINING_SCALE: "0" }, [])).toEqual({ ok: false, message: "CONTENT_CHECK_TRAINING_SCALE must be above 0" });
    expect(parseCheckOptions({ CONTENT_CHECK_TRAINING_SCALE: "2" }, [])).toMatchObject({ ok: false, message: expect.stringMatching(/at most 1/) });
    expect(parseCheckOptions({ CONTENT_CHECK_LESSON_BUDGET_S: "soon" }, [])).toMatchObject({ ok: false, message: expect.stringMatching(/seconds/) });
    expect(parseCheckOptions({ CONTENT_CHECK_BACKEND: "webgl" }, [])).toMatchObject({ ok: false, message: expect.stringMatching(/wasm or cpu/) });
    expect(parseCheckOptions({}, ["--fast"])).toMatchObject({ ok: false, message: expect.stringMatching(/unknown option "--fast"/) });
  });
});

describe("selectLessons", () => {
  const lessons = [{ key: "rust/a/b" }, { key: "graph-queries/x/y" }, { key: "rust/c/d" }];
  it("keeps every lesson without filters and matching ones with", () => {
    expect(selectLessons(lessons, [])).toHaveLength(3);
    expect(selectLessons(lessons, ["rust/"]).map((l) => l.key)).toEqual(["rust/a/b", "rust/c/d"]);
    expect(selectLessons(lessons, ["x/y", "c/d"]).map((l) => l.key)).toEqual(["graph-queries/x/y", "rust/c/d"]);
  });
  it("with --exact, matches whole keys only", () => {
    const parsed = parseCheckOptions({}, ["--exact", "rust/a/b"]);
    expect(parsed).toMatchObject({ ok: true, options: { exact: true, filters: ["rust/a/b"] } });
    expect(selectLessons(lessons, ["rust/a"], true)).toEqual([]);
    expect(selectLessons(lessons, ["rust/a/b"], true).map((l) => l.key)).toEqual(["rust/a/b"]);
  });
});
