import type { ExerciseStats, FunnelStep } from "@/lib/db/analytics-repository";
import type { CellOutput } from "@/lib/notebook/types";

// Pure shaping of analytics for the instructor pages: chart figures (Plotly, through the
// notebook's plot output) and their table/CSV alternatives. No I/O here.

export type PlotFigure = Extract<CellOutput, { type: "plot" }>;

export type ExerciseRow = {
  lessonKey: string;
  lessonTitle: string;
  cellId: string;
  attempts: number;
  learners: number;
  learnersPassed: number;
  learnerPassRate: number;
  attemptPassRate: number;
  medianTimeToPassMs: number | null;
  topErrors: { message: string; count: number }[];
};

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

/** Every exercise of the lessons, in lesson order, with zeros for exercises nobody tried yet. */
export function exerciseRows(
  lessons: { key: string; title: string; exerciseIds: string[] }[],
  stats: ExerciseStats[],
  errors: { lessonKey: string; cellId: string; message: string; count: number }[],
): ExerciseRow[] {
  const byId = new Map(stats.map((s) => [`${s.lessonKey}\u0000${s.cellId}`, s]));
  const errorsById = new Map<string, { message: string; count: number }[]>();
  for (const e of errors) {
    const id = `${e.lessonKey}\u0000${e.cellId}`;
    errorsById.set(id, [...(errorsById.get(id) ?? []), { message: e.message, count: e.count }]);
  }
  return lessons.flatMap((lesson) =>
    lesson.exerciseIds.map((cellId) => {
      const id = `${lesson.key}\u0000${cellId}`;
      const s = byId.get(id);
      return {
        lessonKey: lesson.key,
        lessonTitle: lesson.title,
        cellId,
        attempts: s?.attempts ?? 0,
        learners: s?.learners ?? 0,
        learnersPassed: s?.learnersPassed ?? 0,
        learnerPassRate: s?.learnerPassRate ?? 0,
        attemptPassRate: s?.attemptPassRate ?? 0,
        medianTimeToPassMs: s?.medianTimeToPassMs ?? null,
        topErrors: errorsById.get(id) ?? [],
      };
    }),
  );
}

/** Grouped bars per lesson: started, completed, completed this and every earlier lesson. */
export function funnelFigure(plotId: string, title: string, steps: (FunnelStep & { title: string })[]): PlotFigure {
  const x = steps.map((s) => `${s.position}. ${s.title}`);
  return {
    type: "plot",
    plotId,
    traces: [
      { type: "bar", name: "Started", x, y: steps.map((s) => s.started) },
      { type: "bar", name: "Completed", x, y: steps.map((s) => s.completed) },
      { type: "bar", name: "Completed all so far", x, y: steps.map((s) => s.completedThrough) },
    ],
    layout: { title, barmode: "group", height: 300, yaxis: { title: { text: "Learners" }, rangemode: "tozero" } },
  };
}

/** Horizontal bars: the share of learners who passed each exercise. */
export function passRateFigure(plotId: string, title: string, rows: ExerciseRow[]): PlotFigure {
  const labels = rows.map((r) => `${r.lessonTitle} › ${r.cellId}`);
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

function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  // Quote when needed; a leading = + - @ would make spreadsheets evaluate a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === "string" ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export const EXERCISE_CSV_HEADER = [
  "lesson_key",
  "lesson_title",
  "exercise",
  "attempts",
  "learners",
  "learners_passed",
  "learner_pass_rate",
  "attempt_pass_rate",
  "median_time_to_pass_s",
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
      r.attempts,
      r.learners,
      r.learnersPassed,
      Number(r.learnerPassRate.toFixed(4)),
      Number(r.attemptPassRate.toFixed(4)),
      r.medianTimeToPassMs === null ? null : Math.round(r.medianTimeToPassMs / 100) / 10,
      r.topErrors[0]?.message ?? null,
      r.topErrors[0]?.count ?? null,
    ]),
  );
}

export const LESSON_CSV_HEADER = ["track", "chapter", "position", "lesson_key", "lesson_title", "started", "completed", "completed_all_so_far"];

export function lessonCsv(rows: { track: string; chapter: string; step: FunnelStep & { title: string } }[]): string {
  return toCsv(
    LESSON_CSV_HEADER,
    rows.map(({ track, chapter, step }) => [track, chapter, step.position, step.lessonKey, step.title, step.started, step.completed, step.completedThrough]),
  );
}
