import { describe, expect, it } from "vitest";
import {
  csvField,
  exerciseCsv,
  formatTimeToPass,
  hardestExercises,
  TIME_TO_PASS_DEFINITION,
  type ExerciseRow,
  type ExerciseSort,
  exerciseRows,
  formatDuration,
  funnelFigure,
  passRateFigure,
  percent,
  toCsv,
} from "./analytics-model";

const stat = {
  lessonKey: "t/c/a",
  cellId: "ex",
  verification: "self-reported" as const,
  attempts: 10,
  passedAttempts: 4,
  learners: 5,
  learnersPassed: 4,
  attemptPassRate: 0.4,
  learnerPassRate: 0.8,
  medianTimeToPassMs: 90_000,
  learnersFirstTry: 1,
  medianAttemptsToPass: 2,
};

const tfjs = (id: string) => ({ id, kind: "tfjs" as const });

describe("analytics model", () => {
  it("lists every exercise in lesson order, zeros where nobody tried, with its top errors", () => {
    const rows = exerciseRows(
      [
        { key: "t/c/a", title: "A", exercises: [tfjs("ex"), tfjs("other")] },
        { key: "t/c/b", title: "B", exercises: [tfjs("ex")] },
      ],
      [stat],
      [
        {
          lessonKey: "t/c/a",
          cellId: "ex",
          verification: "self-reported",
          message: "boom",
          count: 3,
        },
        {
          lessonKey: "t/c/a",
          cellId: "ex",
          verification: "self-reported",
          message: "bang",
          count: 1,
        },
      ],
    );
    expect(
      rows.map((r) => [
        r.lessonKey,
        r.cellId,
        r.verification,
        r.attempts,
        r.learnerPassRate,
        r.topErrors.length,
      ]),
    ).toEqual([
      ["t/c/a", "ex", "self-reported", 10, 0.8, 2],
      ["t/c/a", "other", "self-reported", 0, 0, 0],
      ["t/c/b", "ex", "self-reported", 0, 0, 0],
    ]);
  });

  it("keeps server-checked and self-reported results of an exercise apart, and marks the self-reported", () => {
    const rows = exerciseRows(
      [
        {
          key: "g/c/q",
          title: "Q",
          exercises: [
            { id: "find", kind: "cypher" },
            { id: "new", kind: "cypher" },
          ],
        },
      ],
      [
        {
          ...stat,
          lessonKey: "g/c/q",
          cellId: "find",
          verification: "self-reported",
          learnerPassRate: 1,
        },
        {
          ...stat,
          lessonKey: "g/c/q",
          cellId: "find",
          verification: "server",
          learnerPassRate: 0.25,
        },
      ],
      [
        {
          lessonKey: "g/c/q",
          cellId: "find",
          verification: "server",
          message: "expected 3 rows",
          count: 2,
        },
      ],
    );
    expect(
      rows.map((r) => [
        r.cellId,
        r.verification,
        r.learnerPassRate,
        r.topErrors.map((e) => e.message),
      ]),
    ).toEqual([
      ["find", "server", 0.25, ["expected 3 rows"]],
      ["find", "self-reported", 1, []],
      ["new", "server", 0, []],
    ]);
    expect(passRateFigure("p", "Pass", rows).traces[0]).toMatchObject({
      y: ["Q › find", "Q › find (self-reported)", "Q › new"],
    });
    expect(exerciseCsv(rows).split("\r\n").slice(0, 3)).toEqual([
      "lesson_key,lesson_title,exercise,verification,attempts,learners,learners_passed,learner_pass_rate,attempt_pass_rate,median_time_to_pass_s,learners_first_try,median_attempts_to_pass,top_error,top_error_count",
      "g/c/q,Q,find,server,10,5,4,0.25,0.4,90,1,2,expected 3 rows,2",
      "g/c/q,Q,find,self-reported,10,5,4,1,0.4,90,1,2,,",
    ]);
  });

  it("builds Plotly figures in the notebook's plot output shape", () => {
    const funnel = funnelFigure("f", "Funnel", [
      {
        position: 1,
        lessonKey: "t/c/a",
        title: "A",
        started: 5,
        completed: 3,
        completedThrough: 3,
      },
    ]);
    expect(funnel.type).toBe("plot");
    expect(funnel.traces).toHaveLength(3);
    expect(funnel.traces[0]).toMatchObject({ type: "bar", x: ["1. A"], y: [5] });
    const pass = passRateFigure(
      "p",
      "Pass",
      exerciseRows([{ key: "t/c/a", title: "A", exercises: [tfjs("ex")] }], [stat], []),
    );
    expect(pass.traces[0]).toMatchObject({
      orientation: "h",
      x: [80],
      y: ["A › ex (self-reported)"],
    });
  });

  it("writes CSV that spreadsheets read safely", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["x,y", 'say "hi"'],
          ["=cmd()", null],
          [-1, "line\nbreak"],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=cmd(),\r\n-1,"line\nbreak"\r\n');
    const csv = exerciseCsv(
      exerciseRows(
        [{ key: "t/c/a", title: "A", exercises: [tfjs("ex")] }],
        [stat],
        [
          {
            lessonKey: "t/c/a",
            cellId: "ex",
            verification: "self-reported",
            message: "boom",
            count: 3,
          },
        ],
      ),
    );
    expect(csv.split("\r\n")[1]).toBe("t/c/a,A,ex,self-reported,10,5,4,0.8,0.4,90,1,2,boom,3");
  });

  it("neutralises every spreadsheet formula trigger in text, and only in text", () => {
    for (const formula of ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
      expect(csvField(formula).replace(/^"/, "").startsWith(`'${formula[0]}`)).toBe(true);
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField("a = b")).toBe("a = b");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(null)).toBe("");
    // A learner's error message cannot smuggle a formula into the exported CSV.
    const csv = exerciseCsv(
      exerciseRows(
        [{ key: "t/c/a", title: "A", exercises: [tfjs("ex")] }],
        [stat],
        [
          {
            lessonKey: "t/c/a",
            cellId: "ex",
            verification: "self-reported",
            message: "=cmd|' /C calc'!A0",
            count: 2,
          },
        ],
      ),
    );
    expect(csv.split("\r\n")[1]?.endsWith(",'=cmd|' /C calc'!A0,2")).toBe(true);
  });

  it("says first try instead of 0 ms, with one definition of time to pass", () => {
    expect(formatTimeToPass(0, 1)).toBe("first try");
    expect(formatTimeToPass(0, null)).toBe("first try");
    expect(formatTimeToPass(90_000, 3)).toBe("1.5 min");
    expect(formatTimeToPass(null, null)).toBe("—");
    expect(TIME_TO_PASS_DEFINITION).toMatch(/first attempt .* first passing attempt/);
  });

  it("orders exercises hardest first by each measure, leaving out untried ones", () => {
    const row = (cellId: string, over: Partial<ExerciseRow>): ExerciseRow => ({
      lessonKey: "t/c/a",
      lessonTitle: "A",
      cellId,
      verification: "server",
      attempts: 10,
      learners: 5,
      learnersPassed: 4,
      learnerPassRate: 0.8,
      attemptPassRate: 0.4,
      medianTimeToPassMs: 1000,
      learnersFirstTry: 1,
      medianAttemptsToPass: 2,
      topErrors: [],
      ...over,
    });
    const rows = [
      row("easy", {
        learnerPassRate: 0.9,
        medianAttemptsToPass: 1,
        topErrors: [{ message: "x", count: 1 }],
      }),
      row("hard", {
        learnerPassRate: 0.3,
        medianAttemptsToPass: 4,
        topErrors: [{ message: "y", count: 2 }],
      }),
      row("nobody-passed", { learnerPassRate: 0, learnersPassed: 0, medianAttemptsToPass: null }),
      row("grindy", {
        learnerPassRate: 0.9,
        medianAttemptsToPass: 6,
        topErrors: [{ message: "z", count: 9 }],
      }),
      row("untried", { learners: 0, attempts: 0, learnerPassRate: 0 }),
    ];
    const ids = (sort: ExerciseSort) => hardestExercises(rows, sort).map((r) => r.cellId);
    expect(ids("pass-rate")).toEqual(["nobody-passed", "hard", "grindy", "easy"]);
    expect(ids("attempts")).toEqual(["nobody-passed", "grindy", "hard", "easy"]);
    expect(ids("error")).toEqual(["grindy", "hard", "easy", "nobody-passed"]);
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
