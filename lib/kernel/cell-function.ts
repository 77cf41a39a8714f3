/**
 * Compiles a transformed cell body into an async function and maps stack positions back to
 * the cell. The position of code compiled with the Function constructor differs between
 * engines (V8 adds two header lines), so the offset is measured once with a probe instead of
 * being assumed.
 */
import { CHECK_PARAM, SCOPE_PARAM, cellColumn, type ColumnEdit } from "./scope-transform";

type CellFunction = (scope: Record<string, unknown>) => Promise<unknown>;

/** What the transformed cell calls at loop bodies and awaits (see scope-transform.ts). */
export type InterruptCheck = ((value?: unknown) => unknown) & {
  top: (value?: unknown) => unknown;
};

const NO_INTERRUPT: InterruptCheck = Object.assign((value?: unknown) => value, {
  top: (value?: unknown) => value,
});

const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => (scope: Record<string, unknown>, check: InterruptCheck) => Promise<unknown>;

export interface CellPosition {
  line: number;
  column: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** First `<sourceUrl>:line:col` in a stack trace (innermost frame inside that cell). */
function findFrame(stack: string, sourceUrl: string): CellPosition | null {
  const m = new RegExp(`${escapeRegExp(sourceUrl)}:(\\d+):(\\d+)`).exec(stack);
  if (!m) return null;
  return { line: Number(m[1]), column: Number(m[2]) };
}

let measuredOffset: number | null = null;

/**
 * How many lines the engine puts above cell line 1 in a compiled body (its own header plus
 * ours). Measured once with a probe laid out like a real cell.
 */
async function cellLineOffset(): Promise<number> {
  if (measuredOffset !== null) return measuredOffset;
  const url = "notebook-probe.js";
  try {
    await compileCell(`with (${SCOPE_PARAM}) {\nthrow new Error("probe");\n}`, url)({});
  } catch (err) {
    const frame = findFrame(err instanceof Error ? (err.stack ?? "") : "", url);
    if (frame) measuredOffset = frame.line - 1;
  }
  // Fallback: V8's layout (two header lines plus the `with` line).
  measuredOffset ??= 3;
  return measuredOffset;
}

export function compileCell(
  body: string,
  sourceUrl: string,
  check: InterruptCheck = NO_INTERRUPT,
): CellFunction {
  const fn = new AsyncFunction(SCOPE_PARAM, CHECK_PARAM, `${body}\n//# sourceURL=${sourceUrl}`);
  return (scope) => fn(scope, check);
}

/**
 * Cell position (1-based line and column) of an error thrown by code compiled from a cell;
 * `columnEdits` (from transformCell) undoes the columns its insertions shifted.
 */
export async function errorPositionInCell(
  err: unknown,
  sourceUrl: string,
  columnEdits: readonly ColumnEdit[] = [],
): Promise<CellPosition | null> {
  const stack = err instanceof Error ? (err.stack ?? "") : "";
  const frame = findFrame(stack, sourceUrl);
  if (!frame) return null;
  const line = frame.line - (await cellLineOffset());
  return line >= 1 ? { line, column: cellColumn(columnEdits, line, frame.column) } : null;
}
