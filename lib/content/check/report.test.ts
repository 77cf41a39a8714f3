import { describe, expect, it } from "vitest";
import type { LessonReport } from "./check-lesson";
import { formatLesson, formatSummary, progressBar, totals } from "./report";

const lesson = (over: Partial<LessonReport>): LessonReport => ({ key: "t/c/l", file: "t/01-c/01-l.md", cells: [], durationMs: 1500, problems: [], status: "passed", skipped: {}, ...over });

describe("progressBar", () => {
  it("fills in proportion and truncates the label to the width", () => {
    expect(progressBar(1, 4, "lesson", 8, 80)).toBe("[##------] 1/4 lesson");
    expect(progressBar(0, 0, "x", 4, 80)).toBe("[####] 0/0 x");
    const long = progressBar(2, 4, "a".repeat(200), 8, 40);
    expect(long.length).toBeLessThanOrEqual(40);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("formatLesson and summary", () => {
  const failed = lesson({
    status: "failed",
    cells: [
      { id: "a", kind: "tfjs", line: 10, role: "exercise", status: "failed", problems: ["the solution fails its check: boom"], durationMs: 5 },
      { id: "b", kind: "rust", line: 20, role: "cell", status: "skipped", problems: [], durationMs: 0 },
    ],
    skipped: { rust: "no toolchain" },
  });
  it("points at file:line for every problem", () => {
    expect(formatLesson(failed)).toBe(
      'FAIL t/c/l (1/2 cells, 1.5 s)\n     rust cells skipped: no toolchain\n     content/t/01-c/01-l.md:10: tfjs "a": the solution fails its check: boom',
    );
  });
  it("says why starters failed only when verbose", () => {
    const passed = lesson({ cells: [{ id: "e", kind: "cypher", line: 7, role: "exercise", status: "passed", problems: [], starterFailure: "CheckFailed: Expected 2", durationMs: 1 }] });
    expect(formatLesson(passed)).toBe("ok   t/c/l (1/1 cells, 1.5 s)");
    expect(formatLesson(passed, "content", true)).toContain('content/t/01-c/01-l.md:7: cypher "e": starter fails as expected: CheckFailed: Expected 2');
  });
  it("says why each wrong answer failed, at its own line, only when verbose", () => {
    const passed = lesson({
      cells: [{ id: "e", kind: "cypher", line: 7, role: "exercise", status: "passed", problems: [], wrongFailures: [{ line: 30, message: "CheckFailed: only ACTED_IN" }], durationMs: 1 }],
    });
    expect(formatLesson(passed)).not.toContain("wrong answer");
    expect(formatLesson(passed, "content", true)).toContain('content/t/01-c/01-l.md:30: cypher "e": wrong answer fails as expected: CheckFailed: only ACTED_IN');
  });
  it("ends with the content: N passed, M failed line", () => {
    const t = totals([failed, lesson({ key: "x", durationMs: 3000 })], 4600);
    expect(t).toMatchObject({ lessons: 2, passed: 1, failed: 1, cells: 2, cellsRun: 1, exercises: 1, slowest: { key: "x", durationMs: 3000 } });
    const text = formatSummary(t);
    expect(text.split("\n").at(-1)).toBe("content: 1 passed, 1 failed");
    expect(text).toContain("in 4.6 s");
    // The failing exercise is not counted as proven.
    expect(text).toContain("1 exercises checked, 0 proven (starter and wrong answers fail, solution passes), 1 with problems (see above)");
  });
  it("prints each problem at the line of the part that failed", () => {
    const report = lesson({
      status: "failed",
      cells: [{ id: "q", kind: "cypher", line: 56, role: "exercise", status: "failed", problems: ["the check itself does not run: SyntaxError"], problemLines: [70], durationMs: 1 }],
    });
    expect(formatLesson(report)).toContain('content/t/01-c/01-l.md:70: cypher "q": the check itself does not run: SyntaxError');
  });
});
