import { describe, expect, it } from "vitest";
import { exerciseCsv, exerciseRows, formatDuration, funnelFigure, passRateFigure, percent, toCsv } from "./analytics-model";

const stat = { lessonKey: "t/c/a", cellId: "ex", attempts: 10, passedAttempts: 4, learners: 5, learnersPassed: 4, attemptPassRate: 0.4, learnerPassRate: 0.8, medianTimeToPassMs: 90_000 };

describe("analytics model", () => {
  it("lists every exercise in lesson order, zeros where nobody tried, with its top errors", () => {
    const rows = exerciseRows(
      [
        { key: "t/c/a", title: "A", exerciseIds: ["ex", "other"] },
        { key: "t/c/b", title: "B", exerciseIds: ["ex"] },
      ],
      [stat],
      [
        { lessonKey: "t/c/a", cellId: "ex", message: "boom", count: 3 },
        { lessonKey: "t/c/a", cellId: "ex", message: "bang", count: 1 },
      ],
    );
    expect(rows.map((r) => [r.lessonKey, r.cellId, r.attempts, r.learnerPassRate, r.topErrors.length])).toEqual([
      ["t/c/a", "ex", 10, 0.8, 2],
      ["t/c/a", "other", 0, 0, 0],
      ["t/c/b", "ex", 0, 0, 0],
    ]);
  });

  it("builds Plotly figures in the notebook's plot output shape", () => {
    const funnel = funnelFigure("f", "Funnel", [{ position: 1, lessonKey: "t/c/a", title: "A", started: 5, completed: 3, completedThrough: 3 }]);
    expect(funnel.type).toBe("plot");
    expect(funnel.traces).toHaveLength(3);
    expect(funnel.traces[0]).toMatchObject({ type: "bar", x: ["1. A"], y: [5] });
    const pass = passRateFigure("p", "Pass", exerciseRows([{ key: "t/c/a", title: "A", exerciseIds: ["ex"] }], [stat], []));
    expect(pass.traces[0]).toMatchObject({ orientation: "h", x: [80], y: ["A › ex"] });
  });

  it("writes CSV that spreadsheets read safely", () => {
    expect(toCsv(["a", "b"], [["x,y", 'say "hi"'], ["=cmd()", null], [-1, "line\nbreak"]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=cmd(),\r\n-1,"line\nbreak"\r\n');
    const csv = exerciseCsv(exerciseRows([{ key: "t/c/a", title: "A", exerciseIds: ["ex"] }], [stat], [{ lessonKey: "t/c/a", cellId: "ex", message: "boom", count: 3 }]));
    expect(csv.split("\r\n")[1]).toBe("t/c/a,A,ex,10,5,4,0.8,0.4,90,boom,3");
  });

  it("formats rates and durations for people", () => {
    expect(percent(0.8)).toBe("80%");
    expect(percent(0.05)).toBe("5.0%");
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(450)).toBe("450 ms");
    expect(formatDuration(90_000)).toBe("1.5 min");
    expect(formatDuration(3 * 3_600_000)).toBe("3.0 h");
  });
});
