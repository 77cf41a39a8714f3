/**
 * The notebook's Cypher cell kind, in the browser: every run and every exercise check goes to
 * POST /api/cypher/run, which runs the cell in a private, rolled-back transaction. A check
 * sends only the learner's code: the server checks it against the lesson's own check query
 * and says so (`verifiedBy: "server"`).
 */
import { ApiError, postJson } from "@/lib/http/api-client";
import type {
  CellOutput,
  CellRuntime,
  CheckVerdict,
  RunOutcome,
  RunRequest,
} from "@/lib/notebook/types";
import type { CypherRunAnswer, CypherRunBody } from "./cypher-run";

const MESSAGES = {
  signIn: "Your sign-in has ended; sign in again and re-run the cell.",
  unreachable: "The query could not reach the server",
};

function body(request: RunRequest, mode: CypherRunBody["mode"]): CypherRunBody {
  return {
    lessonKey: request.lessonKey,
    cellId: request.cell.id,
    code: request.cell.code,
    previousCells: request.previousCells
      .filter((c) => c.kind === "cypher")
      .map((c) => ({ id: c.id, code: c.code })),
    mode,
  };
}

type Answer = { answer: CypherRunAnswer } | { failure: CellOutput } | "aborted";

async function call(
  request: RunRequest,
  mode: CypherRunBody["mode"],
  signal: AbortSignal,
): Promise<Answer> {
  try {
    const response = await postJson("/api/cypher/run", body(request, mode), signal, MESSAGES);
    return { answer: (await response.json()) as CypherRunAnswer };
  } catch (error) {
    // Stop aborts the request itself; the server rolls the transaction back either way.
    if (signal.aborted) return "aborted";
    if (error instanceof ApiError)
      return {
        failure: {
          type: "error",
          name:
            error.status === 429
              ? "TooManyRuns"
              : error.status === 0
                ? "ConnectionError"
                : "RequestRefused",
          message: error.message,
        },
      };
    return {
      failure: {
        type: "error",
        name: "ConnectionError",
        message: `${MESSAGES.unreachable} (${error instanceof Error ? error.message : String(error)}). Your code is safe; try again.`,
      },
    };
  }
}

export const cypherRuntime: CellRuntime = {
  kind: "cypher",
  unavailable: () => null,
  async run(request, emit, signal): Promise<RunOutcome> {
    const started = Date.now();
    const result = await call(request, "run", signal);
    if (result === "aborted") return { status: "interrupted", durationMs: Date.now() - started };
    if ("failure" in result) {
      emit(result.failure);
      return { status: "error", durationMs: Date.now() - started };
    }
    const { answer } = result;
    answer.outputs.forEach(emit);
    return answer.ok
      ? { status: "ok", durationMs: answer.durationMs }
      : { status: "error", durationMs: answer.durationMs, markers: answer.markers };
  },
  async check(request, emit, signal): Promise<CheckVerdict> {
    const result = await call(request, "check", signal);
    if (result === "aborted") return { passed: false, message: "The check was interrupted." };
    if ("failure" in result) {
      emit(result.failure);
      return { passed: false, message: "The check could not reach the server; try again." };
    }
    const { answer } = result;
    const verdict = answer.verdict;
    if (!verdict)
      return { passed: false, message: "The server did not return a verdict; try again." };
    // Errors in the exercise or the check itself (not a failed verdict) are shown in full below the cell.
    const shown = answer.outputs.find((o) => o.type === "success" || o.type === "error");
    if (shown?.type === "error" && shown.name !== "CheckFailed") emit(shown);
    return { passed: verdict.passed, message: verdict.message, verifiedBy: "server" };
  },
};
