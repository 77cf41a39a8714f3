"use server";
/**
 * The server action behind Cypher cells: validates what the browser sent, then runs the cell
 * in its own rolled-back transaction (see runCypherCell). Returns only plain JSON.
 */
import { headers } from "next/headers";
import { z } from "zod";
import type { CellOutput, CodeMarker } from "../notebook/types";
import { clientAddress, consumeRateLimit } from "../auth/rate-limit";
import { DatasetName } from "./datasets";
import { runCypherCell } from "./run-cypher-cell";

const Code = z.string().max(50_000, "a Cypher cell may hold at most 50,000 characters");

const RunCypherInput = z.object({
  lessonKey: z.string().min(1).max(300),
  cellId: z.string().min(1).max(200),
  code: Code,
  previousCells: z.array(z.object({ id: z.string().max(200), code: Code })).max(200),
  dataset: DatasetName.optional(),
  /** Present for an exercise's check: the check query (see cypher-check.ts). */
  check: Code.optional(),
});
export type RunCypherInput = z.input<typeof RunCypherInput>;

export interface RunCypherActionResult {
  ok: boolean;
  outputs: CellOutput[];
  markers: CodeMarker[];
  durationMs: number;
}

/**
 * Per client address (Cypher cells need no account): "Run all" on a long lesson fires a few
 * dozen cells at once, so the limit (CYPHER_RATE_LIMIT_PER_MINUTE) is generous.
 */
async function clientKey(): Promise<string> {
  try {
    return clientAddress(await headers());
  } catch {
    return "direct"; // called outside a request (tests, scripts)
  }
}

export async function runCypherAction(input: RunCypherInput): Promise<RunCypherActionResult> {
  const taken = await consumeRateLimit("cypher", await clientKey());
  if (!taken.allowed) {
    const seconds = taken.retryAfterSeconds;
    return { ok: false, outputs: [{ type: "error", name: "TooManyRuns", message: `Too many Cypher runs in a short time; try again in ${seconds} s.` }], markers: [], durationMs: 0 };
  }
  const parsed = RunCypherInput.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
    return { ok: false, outputs: [{ type: "error", name: "InvalidRequest", message }], markers: [], durationMs: 0 };
  }
  const { code, previousCells, dataset, check } = parsed.data;
  return runCypherCell({
    dataset,
    previousQueries: previousCells.map((c) => c.code),
    previousLabels: previousCells.map((c) => c.id),
    query: code,
    check,
  });
}
