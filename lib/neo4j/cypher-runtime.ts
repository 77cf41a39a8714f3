/**
 * The notebook's Cypher cell kind, in the browser: every run goes to the server action, which
 * runs the cell through neo4j-driver in a private, rolled-back transaction.
 */
import type { CellOutput, CellRuntime, CheckVerdict, RunOutcome, RunRequest } from "../notebook/types";
import { runCypherAction, type RunCypherActionResult } from "./run-cypher-action";

function actionInput(request: RunRequest, check?: string) {
  const dataset = request.attributes.dataset;
  return {
    lessonKey: request.lessonKey,
    cellId: request.cell.id,
    code: request.cell.code,
    previousCells: request.previousCells.filter((c) => c.kind === "cypher").map((c) => ({ id: c.id, code: c.code })),
    dataset: typeof dataset === "string" && dataset ? dataset : undefined,
    check,
  };
}

async function call(request: RunRequest, check: string | undefined, signal: AbortSignal): Promise<RunCypherActionResult | "aborted"> {
  // A server action cannot be cancelled; an interrupted run simply ignores its answer (the server rolls back anyway).
  const aborted = new Promise<"aborted">((resolve) => {
    if (signal.aborted) resolve("aborted");
    signal.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
  const running = runCypherAction(actionInput(request, check));
  running.catch(() => {}); // an abandoned (interrupted) run must not surface as an unhandled rejection
  return Promise.race([running, aborted]);
}

const lostConnection = (e: unknown): CellOutput => ({
  type: "error",
  name: "ConnectionError",
  message: `The query could not reach the server (${e instanceof Error ? e.message : String(e)}). Your code is safe; try again.`,
});

export const cypherRuntime: CellRuntime = {
  kind: "cypher",
  unavailable: () => null,
  async run(request, emit, signal): Promise<RunOutcome> {
    const started = Date.now();
    let result: RunCypherActionResult | "aborted";
    try {
      result = await call(request, undefined, signal);
    } catch (e) {
      emit(lostConnection(e));
      return { status: "error", durationMs: Date.now() - started };
    }
    if (result === "aborted") return { status: "interrupted", durationMs: Date.now() - started };
    result.outputs.forEach(emit);
    return result.ok
      ? { status: "ok", durationMs: result.durationMs }
      : { status: "error", durationMs: result.durationMs, markers: result.markers };
  },
  async check(request, emit, signal): Promise<CheckVerdict> {
    let result: RunCypherActionResult | "aborted";
    try {
      result = await call(request, request.check, signal);
    } catch (e) {
      emit(lostConnection(e));
      return { passed: false, message: "The check could not reach the server; try again." };
    }
    if (result === "aborted") return { passed: false, message: "The check was interrupted." };
    const verdict = result.outputs.find((o) => o.type === "success" || o.type === "error");
    // Errors in the check query itself (not a failed verdict) are shown in full below the cell.
    if (verdict?.type === "error" && verdict.name !== "CheckFailed") emit(verdict);
    if (verdict?.type === "success") return { passed: true, message: verdict.message };
    if (verdict?.type === "error") return { passed: false, message: verdict.name === "CheckFailed" ? verdict.message : "The check could not run (see the message above)." };
    return { passed: false, message: "The check returned nothing." };
  },
};
