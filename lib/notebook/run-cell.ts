/**
 * One cell run, from "start" to "finish", as plain code over a runtime and a dispatch function:
 * the run, then for an exercise its check while the cell still counts as running (so the
 * check's messages show under it). What to remember about the run is the caller's business.
 */
import { checkOutputForLearner, checkRunVerdict } from "./check-result";
import type { NotebookAction } from "./reducer";
import type { NotebookCellSpec } from "./run-request";
import type { CellOutput, CellRuntime, CheckVerdict, RunOutcome, RunRequest } from "./types";

export interface CellRunResult {
  outcome: RunOutcome;
  /** The exercise's verdict, when its check ran. */
  verdict?: CheckVerdict;
  /** The first error shown, as "Name: message" (what progress keeps of a failed run). */
  firstError?: string;
}

export async function runCell(
  runtime: CellRuntime,
  spec: NotebookCellSpec,
  request: RunRequest,
  signal: AbortSignal,
  dispatch: (action: NotebookAction) => void,
  now: () => number = Date.now,
): Promise<CellRunResult> {
  const id = spec.id;
  dispatch({ type: "start", id, at: now() });
  let firstError: string | undefined;
  const emit = (output: CellOutput) => {
    if (output.type === "error") firstError ??= `${output.name}: ${output.message}`;
    dispatch({ type: "output", id, output });
  };
  const finish = (result: CellRunResult): CellRunResult => {
    dispatch({ type: "finish", id, outcome: result.outcome });
    return firstError === undefined ? result : { ...result, firstError };
  };

  const reason = runtime.unavailable()?.reason;
  if (reason) {
    emit({ type: "text", stream: "info", text: reason });
    return finish({ outcome: { status: "error", durationMs: 0 } });
  }
  let outcome: RunOutcome;
  try {
    outcome = await runtime.run(request, emit, signal);
  } catch (error) {
    emit({
      type: "error",
      name: "Error",
      message: `The cell could not run: ${(error as Error).message}`,
    });
    outcome = { status: "error", durationMs: 0 };
  }
  if (
    outcome.status !== "ok" ||
    spec.role !== "exercise" ||
    spec.check === undefined ||
    signal.aborted
  ) {
    return finish({ outcome });
  }
  let verdict: CheckVerdict;
  try {
    verdict = runtime.check
      ? await runtime.check({ ...request, check: spec.check }, emit, signal)
      : await runCheckAsCell(runtime, request, spec.check, emit, signal);
  } catch (error) {
    verdict = { passed: false, message: `The check could not run: ${(error as Error).message}` };
  }
  dispatch({ type: "check", id, result: verdict });
  return finish({ outcome, verdict });
}

/**
 * Without a runtime check, the check block runs as a cell after the exercise; running is
 * passing. Its errors become the verdict's message (never an error output citing a line of the
 * hidden check): see check-result.ts.
 */
async function runCheckAsCell(
  runtime: CellRuntime,
  request: RunRequest,
  check: string,
  emit: (output: CellOutput) => void,
  signal: AbortSignal,
): Promise<CheckVerdict> {
  const checkRequest: RunRequest = {
    ...request,
    cell: { ...request.cell, id: `${request.cell.id}--check`, code: check },
    previousCells: [...request.previousCells, request.cell],
  };
  const errors: Extract<CellOutput, { type: "error" }>[] = [];
  const outcome = await runtime.run(
    checkRequest,
    (output) => {
      if (output.type === "error") errors.push(output);
      const shown = checkOutputForLearner(output);
      if (shown) emit(shown);
    },
    signal,
  );
  return checkRunVerdict(outcome.status, errors);
}
