/**
 * EXPLAIN / PROFILE in a cell: neo4j-driver's `summary.plan` / `summary.profile` (from this
 * project's engine or a real Neo4j) → the notebook's `plan` output, a bounded operator tree with
 * Neo4j's operator names, details, estimated rows, and rows and db hits under PROFILE. The driver
 * objects are read defensively (numbers may be numbers, bigints or driver Integers). Pure.
 */
import type { CellOutput, PlanOperator } from "@/lib/notebook/types";

export type PlanOutput = Extract<CellOutput, { type: "plan" }>;

/** Beyond this many operators the rest of the tree is summarised as "N more". */
export const MAX_PLAN_OPERATORS = 200;
const MAX_DETAILS_CHARS = 300;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A plan figure as a JS number: number, bigint or a driver Integer ({low, high} / toNumber). */
function toNumber(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "bigint") return Number(v);
  if (isRecord(v) && typeof v.toNumber === "function") {
    const n = (v.toNumber as () => unknown).call(v);
    return typeof n === "number" ? n : undefined;
  }
  return undefined;
}

/** "NodeIndexSeek@neo4j" (a real Neo4j names the database) → "NodeIndexSeek". */
const operatorName = (v: unknown): string =>
  typeof v === "string" && v ? v.replace(/@[^@]*$/, "") : "Unknown";

interface Budget {
  left: number;
  omitted: number;
}

function countAll(raw: Record<string, unknown>): number {
  const children = Array.isArray(raw.children) ? raw.children.filter(isRecord) : [];
  return 1 + children.reduce((n, c) => n + countAll(c), 0);
}

function sumDbHits(raw: Record<string, unknown>): number {
  const children = Array.isArray(raw.children) ? raw.children.filter(isRecord) : [];
  return (toNumber(raw.dbHits) ?? 0) + children.reduce((n, c) => n + sumDbHits(c), 0);
}

function convert(raw: Record<string, unknown>, profiled: boolean, budget: Budget): PlanOperator {
  budget.left--;
  const args = isRecord(raw.arguments) ? raw.arguments : {};
  const op: PlanOperator = {
    operator: operatorName(raw.operatorType),
    identifiers: Array.isArray(raw.identifiers)
      ? raw.identifiers.filter((x): x is string => typeof x === "string")
      : [],
    children: [],
  };
  const details = args.Details ?? args.details;
  if (typeof details === "string" && details)
    op.details =
      details.length > MAX_DETAILS_CHARS ? `${details.slice(0, MAX_DETAILS_CHARS)}…` : details;
  const estimated = toNumber(args.EstimatedRows);
  if (estimated !== undefined) op.estimatedRows = estimated;
  if (profiled) {
    op.rows = toNumber(raw.rows) ?? toNumber(args.Rows) ?? 0;
    op.dbHits = toNumber(raw.dbHits) ?? toNumber(args.DbHits) ?? 0;
  }
  const children = Array.isArray(raw.children) ? raw.children.filter(isRecord) : [];
  for (const child of children) {
    if (budget.left <= 0) {
      budget.omitted += countAll(child);
      continue;
    }
    op.children.push(convert(child, profiled, budget));
  }
  return op;
}

/**
 * The plan output of a statement's summary, or null when it has none (not EXPLAIN/PROFILE).
 * `summary.profile` wins over `summary.plan` (the driver fills both `false` when absent).
 */
export function planOutputFromSummary(
  summary: { plan?: unknown; profile?: unknown },
  maxOperators: number = MAX_PLAN_OPERATORS,
): PlanOutput | null {
  const profiled = isRecord(summary.profile);
  const raw = profiled ? summary.profile : summary.plan;
  if (!isRecord(raw)) return null;
  const budget: Budget = { left: Math.max(1, maxOperators), omitted: 0 };
  const root = convert(raw as Record<string, unknown>, profiled, budget);
  const output: PlanOutput = { type: "plan", mode: profiled ? "profile" : "explain", root };
  if (profiled) output.totalDbHits = sumDbHits(raw as Record<string, unknown>);
  if (budget.omitted > 0) output.omitted = budget.omitted;
  return output;
}

/** The operators in tree order (root first), as a check query's `$plan` rows. */
export function planOperatorsInOrder(root: PlanOperator): PlanOperator[] {
  const out: PlanOperator[] = [];
  const walk = (op: PlanOperator): void => {
    out.push(op);
    op.children.forEach(walk);
  };
  walk(root);
  return out;
}
