/**
 * What POST /api/cypher/run does once validatedRoute has let a request through: find the cell
 * in the lesson, run it (or check it) in its own rolled-back transaction, and for a check,
 * record the verdict for a signed-in learner. The dataset and the check query come from the
 * lesson source, never from the browser.
 */
import "server-only";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import {
  cypherCellsAbove,
  findExercise,
  findLessonCell,
  type LookupFailure,
} from "@/lib/exercises/lesson-cells";
import { RouteError } from "@/lib/http/route";
import { cellIdSchema, lessonKeySchema } from "@/lib/progress/schemas";
import { recordVerdictOrLog } from "@/lib/exercises/record-verdict";
import { observeCypherQuery } from "@/lib/metrics/metrics";
import { recordServerVerdict, type ServerVerdictInput } from "@/lib/progress/verdicts";
import type { CellOutput, CodeMarker } from "@/lib/notebook/types";
import { runCypherCell, type CypherCellInput, type CypherCellResult } from "./run-cypher-cell";

export const MAX_CYPHER_BODY_BYTES = 1_000_000;

const code = z.string().max(50_000, "a Cypher cell may hold at most 50,000 characters");

/** Strict: a body carrying a `check` or a `dataset` is refused, not quietly ignored. */
export const cypherRunBodySchema = z.strictObject({
  lessonKey: lessonKeySchema,
  cellId: cellIdSchema,
  code,
  /** The Cypher cells above this one as the learner has them (replayed before it). */
  previousCells: z.array(z.strictObject({ id: cellIdSchema, code })).max(200),
  /** "check": run the exercise, then the lesson's check against its result. */
  mode: z.enum(["run", "check"]).default("run"),
});
export type CypherRunBody = z.infer<typeof cypherRunBodySchema>;

type ServerVerdict = {
  passed: boolean;
  message: string;
  verifiedBy: "server";
  recorded: boolean;
};

export interface CypherRunAnswer {
  ok: boolean;
  outputs: CellOutput[];
  markers: CodeMarker[];
  durationMs: number;
  /** Present for mode "check". */
  verdict?: ServerVerdict;
}

export type CypherRunDeps = {
  run(input: CypherCellInput): Promise<CypherCellResult>;
  record: (verdict: ServerVerdictInput) => Promise<unknown>;
};

const defaults: CypherRunDeps = {
  run: (input) => runCypherCell(input),
  record: recordServerVerdict,
};

function refuse(failure: LookupFailure): never {
  throw new RouteError(failure.status, failure.message);
}

export async function runCypherRequest(
  body: CypherRunBody,
  user: SessionUser | null,
  deps: CypherRunDeps = defaults,
): Promise<CypherRunAnswer> {
  const found =
    body.mode === "check"
      ? findExercise(body.lessonKey, body.cellId, "cypher")
      : findLessonCell(body.lessonKey, body.cellId, "cypher");
  if (!found.ok) refuse(found);
  const above = cypherCellsAbove(found, body.previousCells, body.mode);
  if (!above.ok) refuse(above);
  // findExercise made sure a check exists; a plain run has none to use.
  const check = body.mode === "check" ? found.cell.check : undefined;
  const result = await deps.run({
    dataset: found.cell.attributes.dataset,
    previousQueries: above.queries,
    previousLabels: above.labels,
    query: body.code,
    ...(check !== undefined ? { check } : {}),
  });
  observeCypherQuery(body.mode, result.ok, result.durationMs / 1000);
  if (check === undefined) return result;

  const verdict = verdictOf(result);
  const recorded = user
    ? await recordVerdictOrLog(
        deps.record,
        {
          userId: user.id,
          lessonKey: body.lessonKey,
          cellId: body.cellId,
          passed: verdict.passed,
          durationMs: result.durationMs,
          errorMessage: verdict.passed ? undefined : verdict.detail,
        },
        "Cypher",
      )
    : false;
  return {
    ...result,
    verdict: { passed: verdict.passed, message: verdict.message, verifiedBy: "server", recorded },
  };
}

/** The verdict as the learner reads it, and (for the record) the error behind a failure. */
function verdictOf(result: CypherCellResult): { passed: boolean; message: string; detail: string } {
  const shown = result.outputs.find((o) => o.type === "success" || o.type === "error");
  if (shown?.type === "success")
    return { passed: true, message: shown.message, detail: shown.message };
  if (shown?.type === "error") {
    if (shown.name === "CheckFailed")
      return { passed: false, message: shown.message, detail: shown.message };
    return {
      passed: false,
      message: "The check could not run (see the message above).",
      detail: `${shown.name}: ${shown.message}`,
    };
  }
  return {
    passed: false,
    message: "The check returned nothing.",
    detail: "The check returned nothing.",
  };
}
