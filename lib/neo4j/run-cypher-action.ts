"use server";
/**
 * The server action behind Cypher cells: validates what the browser sent, then runs the cell
 * in its own rolled-back transaction (see runCypherCell). Returns only plain JSON.
 */
import { headers } from "next/headers";
import { z } from "zod";
import type { CellOutput, CodeMarker } from "../notebook/types";
import { clientKeyFrom } from "../rust/require-runner";
import { createTokenBucket } from "../rust/rate-limit";
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
 * Per client: "Run all" on a long lesson fires a few dozen cells at once, so the burst is
 * generous; sustained, two runs a second. Each run may hold the engine for up to the timeout.
 */
const cypherRateLimit = ((globalThis as unknown as { __coursesCypherRateLimit?: ReturnType<typeof createTokenBucket> }).__coursesCypherRateLimit ??=
  createTokenBucket({ capacity: 60, refillPerSecond: 2 }));

async function clientKey(): Promise<string> {
  try {
    return clientKeyFrom(await headers());
  } catch {
    return "local"; // called outside a request (tests, scripts)
  }
}

export async function runCypherAction(input: RunCypherInput): Promise<RunCypherActionResult> {
  const taken = cypherRateLimit.take(await clientKey());
  if (!taken.ok) {
    const seconds = Math.ceil(taken.retryAfterMs / 1000);
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
