import { describe, expect, it } from "vitest";
import type { LessonReport } from "./check-lesson";
import { mergeResults } from "./result-file";

const report = (key: string, status: LessonReport["status"]): LessonReport => ({ key, file: `${key}.md`, cells: [], durationMs: 1, problems: [], status, skipped: {} });

describe("mergeResults", () => {
  const at = new Date("2026-11-23T19:00:00Z");
  it("writes a full run in catalogue order", () => {
    expect(mergeResults(undefined, [report("b", "passed"), report("a", "failed")], ["a", "b"], at)).toEqual({
      finishedAt: "2026-11-23T19:00:00.000Z",
      lessons: [report("a", "failed"), report("b", "passed")],
    });
  });
  it("keeps earlier results of lessons a filtered run skipped, replaces the rest, drops removed lessons", () => {
    const previous = { finishedAt: "x", lessons: [report("a", "failed"), report("b", "failed"), report("gone", "passed"), { nonsense: true }] };
    const merged = mergeResults(previous, [report("b", "passed")], ["a", "b"], at);
    expect(merged.lessons.map((l) => [l.key, l.status])).toEqual([
      ["a", "failed"],
      ["b", "passed"],
    ]);
  });
  it("ignores a previous file of the wrong shape", () => {
    expect(mergeResults("garbage", [report("a", "passed")], ["a"], at).lessons).toHaveLength(1);
  });
});
