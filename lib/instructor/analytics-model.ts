import type { ErrorCount, ExerciseStats, FunnelStep } from "@/lib/db/analytics-repository";
import type { CellKind, CellOutput } from "@/lib/notebook/types";
import {
  requiredVerification,
  VERIFICATIONS,
  type Verification,
} from "@/lib/progress/verification";

// Pure shaping of analytics for the instructor pages: chart figures (Plotly, through the
// notebook's plot output) and their table/CSV alternatives. No I/O here.

export type PlotFigure = Extract<CellOutput, { type: "plot" }>;

export type ExerciseRow = {
  lessonKey: string;
  lessonTitle: string;
  cellId: string;
  /** "self-reported": the browser ran the check and said so (tfjs; Cypher/Rust before server checks). */
  verification: Verification;
  attempts: number;
  learners: number;
  learnersPassed: number;
  learnerPassRate: number;
  attemptPassRate: number;
  /** First attempt → first passing attempt (TIME_TO_PASS_DEFINITION), median over learners who passed. */
  medianTimeToPassMs: number | null;
  learnersFirstTry: number;
  medianAttemptsToPass: number | null;
  topErrors: { message: string; count: number }[];
};

/** The one definition of time to pass, shown wherever a time to pass is. */
export const TIME_TO_PASS_DEFINITION =
  "Time to pass runs from a learner's first attempt at an exercise to their first passing attempt; a pass on the first attempt is shown as “first try”.";

export function percent(value: number): string {
  return `${(value * 100).toFixed(value > 0 && value < 0.1 ? 1 : 0)}%`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = seconds / 60;
  if (minutes < 60) return `${minutes.toFixed(minutes < 10 ? 1 : 0)} min`;
  const hours = minutes / 60;
  return hours < 48 ? `${hours.toFixed(1)} h` : `${(hours / 24).toFixed(1)} d`;
}

/**
 * A time to pass (TIME_TO_PASS_DEFINITION): "first try" when the pass was the first attempt —
 * never "0 ms", which would read as a measured time.
 */
export function formatTimeToPass(ms: number | null, attemptsToPass: number | null): string {
  if (ms === null) return "—";
  if (attemptsToPass === 1 || ms === 0) return "first try";
  return formatDuration(ms);
}

export type ExerciseSort = "pass-rate" | "attempts" | "error";
export const EXERCISE_SORTS: Record<ExerciseSort, string> = {
  "pass-rate": "lowest pass rate",
  attempts: "most attempts to pass",
  error: "most common error",
};

/**
 * Exercises hardest first, by the chosen measure: the lowest share of learners who passed, the
 * most attempts a learner needed (median), or the most frequent single error. Ties go to the
 * other measures, then to the lesson order. Exercises nobody tried say nothing and are left out.
 */
export function hardestExercises(rows: ExerciseRow[], sort: ExerciseSort): ExerciseRow[] {
  const passRate = (r: ExerciseRow) => r.learnerPassRate;
  // Nobody passed yet is harder than any number of attempts.
  const attempts = (r: ExerciseRow) => r.medianAttemptsToPass ?? Number.POSITIVE_INFINITY;
  const error = (r: ExerciseRow) => r.topErrors[0]?.count ?? 0;
  const keys: ((a: ExerciseRow, b: ExerciseRow) => number)[] = {
    "pass-rate": [
      (a: ExerciseRow, b: ExerciseRow) => passRate(a) - passRate(b),
      (a: ExerciseRow, b: ExerciseRow) => attempts(b) - attempts(a),
    ],
    attempts: [
      (a: ExerciseRow, b: ExerciseRow) => attempts(b) - attempts(a),
      (a: ExerciseRow, b: ExerciseRow) => passRate(a) - passRate(b),
    ],
    error: [
      (a: ExerciseRow, b: ExerciseRow) => error(b) - error(a),
      (a: ExerciseRow, b: ExerciseRow) => passRate(a) - passRate(b),
    ],
  }[sort];
  return rows
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => row.learners > 0)
    .sort((a, b) => {
      for (const key of keys) {
        const d = key(a.row, b.row);
        if (d !== 0 && !Number.isNaN(d)) return d;
      }
      return a.index - b.index;
    })
    .map(({ row }) => row);
}

export type ExerciseRef = { id: string; kind: CellKind };

/**
 * Every exercise of the lessons, in lesson order, one row per verification that has attempts
 * (server-checked first), and one row of zeros for an exercise nobody tried yet, marked with the
 * verification its kind gets.
 */
export function exerciseRows(
  lessons: { key: string; title: string; exercises: ExerciseRef[] }[],
  stats: ExerciseStats[],
  errors: ErrorCount[],
): ExerciseRow[] {
  const id = (lessonKey: string, cellId: string, verification: Verification) =>
    `${lessonKey}\u0000${cellId}\u0000${verification}`;
  const byId = new Map(stats.map((s) => [id(s.lessonKey, s.cellId, s.verification), s]));
  const errorsById = new Map<string, { message: string; count: number }[]>();
  for (const e of errors) {
    const key = id(e.lessonKey, e.cellId, e.verification);
    errorsById.set(key, [...(errorsById.get(key) ?? []), { message: e.message, count: e.count }]);
  }
  return lessons.flatMap((lesson) =>
    lesson.exercises.flatMap(({ id: cellId, kind }) => {
      const tried = VERIFICATIONS.filter((v) => byId.has(id(lesson.key, cellId, v)));
      return (tried.length > 0 ? tried : [requiredVerification(kind)]).map((verification) => {
        const s = byId.get(id(lesson.key, cellId, verification));
        return {
          lessonKey: lesson.key,
          lessonTitle: lesson.title,
          cellId,
          verification,
          attempts: s?.attempts ?? 0,
          learners: s?.learners ?? 0,
          learnersPassed: s?.learnersPassed ?? 0,
          learnerPassRate: s?.learnerPassRate ?? 0,
          attemptPassRate: s?.attemptPassRate ?? 0,
          medianTimeToPassMs: s?.medianTimeToPassMs ?? null,
          learnersFirstTry: s?.learnersFirstTry ?? 0,
          medianAttemptsToPass: s?.medianAttemptsToPass ?? null,
          topErrors: errorsById.get(id(lesson.key, cellId, verification)) ?? [],
        };
      });
    }),
  );
}

/** How a row is labelled wherever pass rates are shown: self-reported results say so. */
function exerciseLabel(row: Pick<ExerciseRow, "lessonTitle" | "cellId" | "verification">): string {
  return `${row.lessonTitle} › ${row.cellId}${row.verification === "self-reported" ? " (self-reported)" : ""}`;
}

/** Grouped bars per lesson: started, completed, completed this and every earlier lesson. */
export function funnelFigure(
  plotId: string,
  title: string,
  steps: (FunnelStep & { title: string })[],
): PlotFigure {
  const x = steps.map((s) => `${s.position}. ${s.title}`);
  return {
    type: "plot",
    plotId,
    traces: [
      { type: "bar", name: "Started", x, y: steps.map((s) => s.started) },
      { type: "bar", name: "Completed", x, y: steps.map((s) => s.completed) },
      { type: "bar", name: "Completed all so far", x, y: steps.map((s) => s.completedThrough) },
    ],
    layout: {
      title,
      barmode: "group",
      height: 300,
      yaxis: { title: { text: "Learners" }, rangemode: "tozero" },
    },
  };
}

/** Horizontal bars: the share of learners who passed each exercise. */
export function passRateFigure(plotId: string, title: string, rows: ExerciseRow[]): PlotFigure {
  const labels = rows.map(exerciseLabel);
  return {
    type: "plot",
    plotId,
    traces: [
      {
        type: "bar",
        orientation: "h",
        name: "Learners who passed",
        y: labels,
        x: rows.map((r) => Math.round(r.learnerPassRate * 1000) / 10),
        text: rows.map((r) => `${percent(r.learnerPassRate)} of ${r.learners}`),
        hoverinfo: "text+y",
      },
    ],
    layout: {
      title,
      height: Math.max(160, 60 + rows.length * 28),
      margin: { l: 260, r: 16, t: 48, b: 44 },
      xaxis: { title: { text: "% of learners who tried" }, range: [0, 100] },
      yaxis: { automargin: true, autorange: "reversed" },
    },
  };
}

/**
 * One CSV field. Text that a spreadsheet would run as a formula (starting with = + - @, a tab or
 * a carriage return — learners' error messages and names are text anyone can write) gets a
 * leading apostrophe, so it is shown, never evaluated; numbers are written as numbers.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  const safe = typeof value === "string" && /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

const EXERCISE_CSV_HEADER = [
  "lesson_key",
  "lesson_title",
  "exercise",
  "verification",
  "attempts",
  "learners",
  "learners_passed",
  "learner_pass_rate",
  "attempt_pass_rate",
  "median_time_to_pass_s",
  "learners_first_try",
  "median_attempts_to_pass",
  "top_error",
  "top_error_count",
];

export function exerciseCsv(rows: ExerciseRow[]): string {
  return toCsv(
    EXERCISE_CSV_HEADER,
    rows.map((r) => [
      r.lessonKey,
      r.lessonTitle,
      r.cellId,
      r.verification,
      r.attempts,
      r.learners,
      r.learnersPassed,
      Number(r.learnerPassRate.toFixed(4)),
      Number(r.attemptPassRate.toFixed(4)),
      r.medianTimeToPassMs === null ? null : Math.round(r.medianTimeToPassMs / 100) / 10,
      r.learnersFirstTry,
      r.medianAttemptsToPass,
      r.topErrors[0]?.message ?? null,
      r.topErrors[0]?.count ?? null,
    ]),
  );
}

const LESSON_CSV_HEADER = [
  "track",
  "chapter",
  "position",
  "lesson_key",
  "lesson_title",
  "started",
  "completed",
  "completed_all_so_far",
];

export function lessonCsv(
  rows: { track: string; chapter: string; step: FunnelStep & { title: string } }[],
): string {
  return toCsv(
    LESSON_CSV_HEADER,
    rows.map(({ track, chapter, step }) => [
      track,
      chapter,
      step.position,
      step.lessonKey,
      step.title,
      step.started,
      step.completed,
      step.completedThrough,
    ]),
  );
}
