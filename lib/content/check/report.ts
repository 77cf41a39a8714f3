/** Text for content:check: the progress bar, per-lesson lines and the summary. Pure. */
import type { LessonReport } from "./check-lesson";

export function progressBar(done: number, total: number, label: string, width = 24, columns = 100): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const head = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} `;
  const room = Math.max(0, columns - head.length - 1);
  const text = label.length > room ? `${label.slice(0, Math.max(0, room - 1))}…` : label;
  return head + text;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * One line per lesson, then an indented line per problem with file:line. `verbose` adds why each
 * starter and wrong answer failed, so an author can see each fails for the intended reason.
 */
export function formatLesson(report: LessonReport, contentDir = "content", verbose = false): string {
  const ran = report.cells.filter((c) => c.status !== "skipped").length;
  const mark = report.status === "passed" ? "ok  " : report.status === "failed" ? "FAIL" : "skip";
  const lines = [`${mark} ${report.key} (${ran}/${report.cells.length} cells, ${seconds(report.durationMs)})`];
  for (const [kind, reason] of Object.entries(report.skipped)) lines.push(`     ${kind} cells skipped: ${reason}`);
  for (const problem of report.problems) lines.push(`     ${contentDir}/${report.file}: ${problem}`);
  for (const cell of report.cells) {
    for (const [i, problem] of cell.problems.entries()) lines.push(`     ${contentDir}/${report.file}:${cell.problemLines?.[i] ?? cell.line}: ${cell.kind} "${cell.id}": ${problem}`);
    if (verbose && cell.starterFailure !== undefined) lines.push(`     ${contentDir}/${report.file}:${cell.line}: ${cell.kind} "${cell.id}": starter fails as expected: ${cell.starterFailure}`);
    for (const wrong of verbose ? (cell.wrongFailures ?? []) : []) lines.push(`     ${contentDir}/${report.file}:${wrong.line}: ${cell.kind} "${cell.id}": wrong answer fails as expected: ${wrong.message}`);
  }
  return lines.join("\n");
}

export interface Totals {
  lessons: number;
  passed: number;
  failed: number;
  skipped: number;
  cells: number;
  cellsRun: number;
  exercises: number;
  /** Exercises whose starter and wrong answers failed and whose solution passed. */
  exercisesProven: number;
  durationMs: number;
  slowest: { key: string; durationMs: number } | null;
}

export function totals(reports: LessonReport[], durationMs: number): Totals {
  const cells = reports.flatMap((r) => r.cells);
  const slowest = reports.reduce<Totals["slowest"]>((best, r) => (!best || r.durationMs > best.durationMs ? { key: r.key, durationMs: r.durationMs } : best), null);
  return {
    lessons: reports.length,
    passed: reports.filter((r) => r.status === "passed").length,
    failed: reports.filter((r) => r.status === "failed").length,
    skipped: reports.filter((r) => r.status === "skipped").length,
    cells: cells.length,
    cellsRun: cells.filter((c) => c.status !== "skipped").length,
    exercises: cells.filter((c) => c.role === "exercise" && c.status !== "skipped").length,
    exercisesProven: cells.filter((c) => c.role === "exercise" && c.status === "passed").length,
    durationMs,
    slowest,
  };
}

/** The closing lines; the last one is always `content: N passed, M failed` (lessons). */
export function formatSummary(t: Totals): string {
  const lines = [
    `${t.lessons} lessons, ${t.cellsRun}/${t.cells} cells run, ${t.exercises} exercises checked, ${t.exercisesProven} proven (starter and wrong answers fail, solution passes)` +
      (t.exercises > t.exercisesProven ? `, ${t.exercises - t.exercisesProven} with problems (see above)` : "") +
      ` in ${seconds(t.durationMs)}` +
      (t.slowest ? `; slowest: ${t.slowest.key} ${seconds(t.slowest.durationMs)}` : ""),
  ];
  if (t.skipped > 0) lines.push(`${t.skipped} lesson(s) skipped entirely (see "skip" lines above)`);
  lines.push(`content: ${t.passed} passed, ${t.failed} failed`);
  return lines.join("\n");
}
