/**
 * What a learner sees of an exercise check that runs as a hidden cell (the tfjs way): a verdict
 * in the check's own words. The check's code is hidden, so its errors never show as errors of
 * their own and their positions (a line in the check, not in the learner's code) are dropped.
 */
import type { CellOutput, CheckVerdict, RunOutcome } from "./types";

type ErrorOutput = Extract<CellOutput, { type: "error" }>;

/** Errors an author throws on purpose carry the learner-facing message as it is. */
const AUTHOR_ERROR_NAMES: ReadonlySet<string> = new Set(["Error", "AssertionError"]);

export const CHECK_PASSED = "Check passed.";

/** The verdict of a check block from how its run ended and the errors it raised. */
export function checkRunVerdict(
  outcome: RunOutcome["status"],
  errors: readonly ErrorOutput[],
): CheckVerdict {
  if (outcome === "ok" && errors.length === 0) return { passed: true, message: CHECK_PASSED };
  if (outcome === "interrupted")
    return { passed: false, message: "The check was stopped before it finished." };
  const [first] = errors;
  if (!first) return { passed: false, message: "The check did not pass." };
  if (AUTHOR_ERROR_NAMES.has(first.name)) return { passed: false, message: first.message };
  // The check tripped over the learner's code (a missing function, a wrong type): say what broke.
  return {
    passed: false,
    message: `The check could not use your code: ${first.name}: ${first.message}`,
  };
}

/**
 * What of the check's own outputs reaches the cell: its prints, not its errors (they are the
 * verdict) and not the kernel's notes about the check's code (e.g. tensors it leaked).
 */
export function checkOutputForLearner(output: CellOutput): CellOutput | null {
  if (output.type === "error") return null;
  if (output.type === "text" && output.stream === "info") return null;
  return output;
}
