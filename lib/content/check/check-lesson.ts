/**
 * Runs one lesson's cells in order through per-kind runners and records what went wrong.
 * Plain cells must run; for every exercise the untouched starter and each listed wrong answer
 * must FAIL its check and the solution must PASS it (then the solution stands in for the
 * exercise, as if the learner had solved it, for the cells below). The solution runs last so a
 * stateful runtime (the tfjs kernel) is left as a learner who solved it would leave it.
 * Runners do the I/O; this file only decides.
 */
import type { CellKind } from "@/lib/notebook/types";
import type { LessonBlock, LessonCell } from "../parse-lesson";

/** A check proven against fewer wrong answers than this has not shown it rejects anything. */
export const MIN_WRONG_ANSWERS = 2;

export interface CellContext {
  lessonKey: string;
  /** Every cell of the lesson of this kind, with the code as it stands when this one runs. */
  cells: LessonCell[];
  /** Index of the running cell in `cells`. */
  index: number;
  /** The code to run for this cell (the starter, the solution, or a plain cell's code). */
  code: string;
}

export interface RunVerdict {
  ok: boolean;
  message?: string;
}

export interface KindRunner {
  /** Why this kind cannot run here (the lesson's cells of this kind are skipped), or null. */
  unavailable(): string | null;
  run(context: CellContext): Promise<RunVerdict>;
  /** Runs the exercise code, then (only if it ran) its check. ok = the check passed. */
  check(context: CellContext & { check: string }): Promise<RunVerdict>;
  /** Called before a lesson's first and after its last cell of this kind. */
  startLesson?(lessonKey: string): Promise<void>;
  endLesson?(lessonKey: string): Promise<void>;
}

export type Runners = Record<CellKind, KindRunner>;

interface CellReport {
  id: string;
  kind: CellKind;
  line: number;
  role: "cell" | "exercise";
  status: "passed" | "failed" | "skipped";
  problems: string[];
  /** For exercises: why the untouched starter failed (what a learner sees first). */
  starterFailure?: string;
  /** For exercises: why each wrong answer failed, in order (is it the message a learner needs?). */
  wrongFailures?: { line: number; message: string }[];
  durationMs: number;
}

export interface LessonReport {
  key: string;
  file: string;
  cells: CellReport[];
  durationMs: number;
  /** Lesson-level problems (budget exceeded, a runner crashed). */
  problems: string[];
  status: "passed" | "failed" | "skipped";
  /** Why cells were skipped, by kind. */
  skipped: Partial<Record<CellKind, string>>;
}

export interface Clock {
  now(): number;
}

export async function checkLesson(
  lesson: { key: string; file: string; cells: LessonCell[]; blocks: LessonBlock[] },
  runners: Runners,
  budgetMs: number,
  clock: Clock = Date,
  onCell?: (cell: LessonCell) => void,
): Promise<LessonReport> {
  const started = clock.now();
  const reports: CellReport[] = [];
  const problems: string[] = [];
  const skipped: LessonReport["skipped"] = {};
  // The code each cell holds as the lesson proceeds: exercises switch to their solution once checked.
  const current = lesson.cells.map((c) => ({ ...c }));
  const kinds = [...new Set(current.map((c) => c.kind))];
  const started_: CellKind[] = [];

  try {
    for (const kind of kinds) {
      const reason = runners[kind].unavailable();
      if (reason) skipped[kind] = reason;
    }
    for (const [position, cell] of current.entries()) {
      const runner = runners[cell.kind];
      if (skipped[cell.kind]) {
        reports.push({ id: cell.id, kind: cell.kind, line: cell.line, role: cell.role, status: "skipped", problems: [], durationMs: 0 });
        continue;
      }
      const elapsed = clock.now() - started;
      if (elapsed > budgetMs) {
        problems.push(`over the time budget: ${(elapsed / 1000).toFixed(1)} s > ${(budgetMs / 1000).toFixed(0)} s before cell "${cell.id}"; the rest was not run`);
        break;
      }
      if (!started_.includes(cell.kind)) {
        started_.push(cell.kind);
        await runner.startLesson?.(lesson.key);
      }
      onCell?.(cell);
      const sameKind = current.filter((c) => c.kind === cell.kind);
      const index = sameKind.indexOf(cell);
      const context = (code: string): CellContext => ({ lessonKey: lesson.key, cells: sameKind, index, code });
      const cellStarted = clock.now();
      const cellProblems: string[] = [];
      let starterFailure: string | undefined;
      const wrongFailures: { line: number; message: string }[] = [];
      if (cell.role === "cell") {
        const result = await runner.run(context(cell.code));
        if (!result.ok) cellProblems.push(`cell does not run: ${result.message ?? "failed"}`);
      } else if (cell.check === undefined) {
        cellProblems.push("exercise has no check");
      } else {
        const starter = await runner.check({ ...context(cell.code), check: cell.check });
        if (starter.ok) cellProblems.push("the untouched starter already passes its check (make the check stricter or the starter emptier)");
        else starterFailure = starter.message ?? "failed";
        const wrong = cell.wrong ?? [];
        if (wrong.length < MIN_WRONG_ANSWERS)
          cellProblems.push(
            `exercise lists ${wrong.length} wrong answer(s); add at least ${MIN_WRONG_ANSWERS} (\`${cell.kind} id=${cell.id} wrong\` blocks) so the check is shown to reject mistakes`,
          );
        for (const answer of wrong) {
          const result = await runner.check({ ...context(answer.code), check: cell.check });
          if (result.ok) cellProblems.push(`the wrong answer at line ${answer.line} passes the check (make the check reject it)`);
          else wrongFailures.push({ line: answer.line, message: result.message ?? "failed" });
        }
        if (cell.solution === undefined) {
          cellProblems.push("exercise has no solution block");
        } else {
          const solved = await runner.check({ ...context(cell.solution), check: cell.check });
          if (!solved.ok) cellProblems.push(`the solution fails its check: ${solved.message ?? "failed"}`);
          current[position]!.code = cell.solution;
        }
      }
      reports.push({
        id: cell.id,
        kind: cell.kind,
        line: cell.line,
        role: cell.role,
        status: cellProblems.length > 0 ? "failed" : "passed",
        problems: cellProblems,
        ...(starterFailure !== undefined ? { starterFailure } : {}),
        ...(wrongFailures.length > 0 ? { wrongFailures } : {}),
        durationMs: clock.now() - cellStarted,
      });
    }
  } catch (error) {
    problems.push(`the check crashed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const kind of started_) {
      try {
        await runners[kind].endLesson?.(lesson.key);
      } catch (error) {
        problems.push(`cleaning up after ${kind} cells failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  const durationMs = clock.now() - started;
  if (problems.length === 0 && durationMs > budgetMs) {
    problems.push(`over the time budget: ${(durationMs / 1000).toFixed(1)} s > ${(budgetMs / 1000).toFixed(0)} s`);
  }
  const failed = problems.length > 0 || reports.some((r) => r.status === "failed");
  const ran = reports.some((r) => r.status !== "skipped");
  return {
    key: lesson.key,
    file: lesson.file,
    cells: reports,
    durationMs,
    problems,
    skipped,
    status: failed ? "failed" : ran || reports.length === 0 ? "passed" : "skipped",
  };
}
