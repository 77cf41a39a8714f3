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
  /**
   * For `check()` when not ok, which part failed: the code under test did not run ("code"), the
   * check ran and rejected it ("check"), or the check itself could not run — a syntax error in
   * the check, a check without a `pass` column ("check-error"). Default "check".
   */
  failed?: "code" | "check" | "check-error";
  /** For `check()` when ok: a message the check still returned (learners see it next to ✓). */
  passMessage?: string;
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
  /** The lesson file's line of each problem (same order): the part that failed, not always the cell's fence. */
  problemLines?: number[];
  /** For exercises: why the untouched starter failed (what a learner sees first). */
  starterFailure?: string;
  /** For exercises: why each wrong answer failed, in order (is it the message a learner needs?). */
  wrongFailures?: { line: number; message: string }[];
  durationMs: number;
}

export interface LessonReport {
  key: string;
  file: string;
  /** lessonContentHash of the file's text this result belongs to (content-hash.ts). */
  contentHash?: string;
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
      const problemLines: number[] = [];
      const problem = (message: string, line = cell.line) => {
        cellProblems.push(message);
        problemLines.push(line);
      };
      let starterFailure: string | undefined;
      const wrongFailures: { line: number; message: string }[] = [];
      if (cell.role === "cell") {
        const result = await runner.run(context(cell.code));
        if (!result.ok) problem(`cell does not run: ${result.message ?? "failed"}`);
      } else if (cell.check === undefined) {
        problem("exercise has no check");
      } else {
        const checkLine = cell.partLines?.check ?? cell.line;
        // A check that cannot run at all is the check's fault, whatever code it was given: it is
        // reported once, at the check's line, and never counted as a starter "failing as expected".
        let checkBroken: string | undefined;
        const brokenCheck = (verdict: RunVerdict) => {
          if (verdict.ok || verdict.failed !== "check-error") return false;
          checkBroken ??= verdict.message ?? "failed";
          return true;
        };
        const starter = await runner.check({ ...context(cell.code), check: cell.check });
        // What the check told failing answers: a passing answer must never be told the same.
        const failureMessages: string[] = [];
        if (!starter.ok && starter.message !== undefined) failureMessages.push(starter.message);
        if (starter.ok) problem("the untouched starter already passes its check (make the check stricter or the starter emptier)");
        else if (!brokenCheck(starter)) starterFailure = starter.message ?? "failed";
        const wrong = cell.wrong ?? [];
        if (wrong.length < MIN_WRONG_ANSWERS)
          problem(
            `exercise lists ${wrong.length} wrong answer(s); add at least ${MIN_WRONG_ANSWERS} (\`${cell.kind} id=${cell.id} wrong\` blocks) so the check is shown to reject mistakes`,
          );
        for (const answer of wrong) {
          const result = await runner.check({ ...context(answer.code), check: cell.check });
          if (result.ok) problem(`the wrong answer at line ${answer.line} passes the check (make the check reject it)`, answer.line);
          else if (!brokenCheck(result)) {
            wrongFailures.push({ line: answer.line, message: result.message ?? "failed" });
            if (result.message !== undefined) failureMessages.push(result.message);
          }
        }
        if (cell.solution === undefined) {
          problem("exercise has no solution block");
        } else {
          const solutionLine = cell.partLines?.solution ?? cell.line;
          const solved = await runner.check({ ...context(cell.solution), check: cell.check });
          const passMessage = solved.ok ? solved.passMessage : undefined;
          if (passMessage !== undefined && failureMessages.some((m) => m === passMessage || m.endsWith(`: ${passMessage}`)))
            problem(
              `the check passes the solution with the same message it gives a wrong answer: "${passMessage}" (learners would see a failure hint next to ✓; put failures in WHEN branches and make ELSE null, then coalesce(problem, "Right: …") AS message)`,
              checkLine,
            );
          else if (!solved.ok && !brokenCheck(solved))
            problem(
              solved.failed === "code"
                ? `the solution does not run: ${solved.message ?? "failed"}`
                : `the solution fails its check (check at line ${checkLine}): ${solved.message ?? "failed"}`,
              solutionLine,
            );
          current[position]!.code = cell.solution;
        }
        if (checkBroken !== undefined) problem(`the check itself does not run: ${checkBroken}`, checkLine);
      }
      reports.push({
        id: cell.id,
        kind: cell.kind,
        line: cell.line,
        role: cell.role,
        status: cellProblems.length > 0 ? "failed" : "passed",
        problems: cellProblems,
        ...(cellProblems.length > 0 ? { problemLines } : {}),
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
