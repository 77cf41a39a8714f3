/**
 * Which cell above made a cell fail. A cell whose own code is wrong is never blamed on others;
 * a cell that failed because a cell above failed, is unsolved or never ran names that cell, so
 * the learner fixes the cause and not the symptom. Pure: it reads the notebook's state only.
 */
import type { CellState, NotebookState } from "./reducer";
import type { CellKind, CellOutput } from "./types";

/** What is wrong with the cell above. */
type UpstreamProblem = "failed" | "timed-out" | "check-failed" | "not-run" | "interrupted";

export interface FailureCause {
  cellId: string;
  problem: UpstreamProblem;
}

/**
 * Kinds whose cells share one live scope (the tfjs kernel): a cell depends on the cells above
 * it having run, and having run well. Cypher cells replay the cells above on every run and
 * their runtime names a failing one itself (`causeCellId`); Rust cells build one project and
 * the compiler names the file.
 */
const SHARED_SCOPE_KINDS: ReadonlySet<CellKind> = new Set(["tfjs"]);

/** Errors that are always the cell's own: the code cannot even be read. */
const OWN_ERROR_NAMES: ReadonlySet<string> = new Set(["SyntaxError"]);

type ErrorOutput = Extract<CellOutput, { type: "error" }>;

const IDENTIFIER = String.raw`[A-Za-z_$][\w$]*`;
const DECLARATION = new RegExp(
  String.raw`\b(?:const|let|var|function\*?|class|async\s+function\*?)\s+(${IDENTIFIER})`,
  "g",
);
const DESTRUCTURING = /\b(?:const|let|var)\s*[{[]([^;]*?)[}\]]\s*=(?!=)/g;

/**
 * Names a JavaScript cell declares (an over-approximation: nested declarations count too, which
 * at worst lets a cell above be named when it was not the cause of a failure that has one).
 */
export function declaredNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(DECLARATION)) names.add(m[1]!);
  for (const m of code.matchAll(DESTRUCTURING)) {
    // `{ a, b: c, ...rest }` / `[x, , y = 1]`: the bound names are the last identifier of each part.
    for (const part of m[1]!.split(",")) {
      const bound = part.split(":").at(-1)!.split("=")[0]!.replace("...", "").trim();
      if (new RegExp(`^${IDENTIFIER}$`).test(bound)) names.add(bound);
    }
  }
  return names;
}

/** Line and block comments and string contents must not count as uses. */
function withoutCommentsAndStrings(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g, " ");
}

/** Does `code` use one of the names `above` declares (and does not declare itself)? */
export function usesNamesOf(code: string, above: string): boolean {
  const own = declaredNames(code);
  const text = withoutCommentsAndStrings(code);
  for (const name of declaredNames(above)) {
    if (own.has(name)) continue;
    const escaped = name.replace(/\$/g, "\\$");
    if (new RegExp(`(?<![\\w$.])${escaped}(?![\\w$])`).test(text)) return true;
  }
  return false;
}

/** What is wrong with a cell above, or null when it ran and (if an exercise) passed. */
function problemOf(cell: CellState): UpstreamProblem | null {
  switch (cell.status) {
    case "error":
      return "failed";
    case "check-failed":
      return "check-failed";
    case "interrupted":
      return "interrupted";
    case "idle":
    case "queued":
      return cell.runCount === 0 ? "not-run" : null;
    case "running":
    case "done":
      return null;
    default: {
      const unreachable: never = cell.status;
      return unreachable;
    }
  }
}

/**
 * The cell above that made `id` fail, or null when the failure is the cell's own (or nothing
 * failed). A runtime's explicit `causeCellId` wins; otherwise, for shared-scope kinds, the
 * topmost cell above that this cell uses (by name) and that failed, is unsolved or never ran.
 */
export function findFailureCause(state: NotebookState, id: string): FailureCause | null {
  const cell = state.cells[id];
  if (!cell) return null;
  const errors = cell.outputs.filter((o): o is ErrorOutput => o.type === "error");
  const explicit = errors.find((e) => e.causeCellId !== undefined);
  if (explicit?.causeCellId && explicit.causeCellId !== id && state.cells[explicit.causeCellId]) {
    return {
      cellId: explicit.causeCellId,
      problem: explicit.name === "CellAboveTimedOut" ? "timed-out" : "failed",
    };
  }
  const [first] = errors;
  if (!first || OWN_ERROR_NAMES.has(first.name) || !SHARED_SCOPE_KINDS.has(cell.kind)) return null;
  const index = state.order.indexOf(id);
  for (const aboveId of state.order.slice(0, Math.max(0, index))) {
    const above = state.cells[aboveId];
    if (!above || above.kind !== cell.kind) continue;
    const problem = problemOf(above);
    if (problem && usesNamesOf(cell.code, above.code)) return { cellId: aboveId, problem };
  }
  return null;
}

/** The sentence shown under the failed cell, around a link to the cell above. */
export function describeFailureCause(cause: FailureCause): { before: string; after: string } {
  const after: Record<UpstreamProblem, string> = {
    failed: "above, which failed — fix it first.",
    "timed-out": "above, which took too long and was stopped — fix it first.",
    "check-failed": "above, whose check has not passed yet — solve it first.",
    "not-run": "above, which has not run yet — run it first.",
    interrupted: "above, which was stopped before it finished — run it again first.",
  };
  return { before: "This cell needs", after: after[cause.problem] };
}
