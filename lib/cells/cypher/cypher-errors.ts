/**
 * Driver errors → messages for learners, with the line and column the editor should underline.
 * Works with this project's server (position in the diagnostic record) and with a real Neo4j
 * (position only in the message text: "(line 1, column 8 (offset: 7))").
 */
import neo4j from "neo4j-driver";

export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
  line?: number;
  column?: number;
  timedOut: boolean;
}

const POSITION = /\(line (\d+), column (\d+) \(offset: (\d+)\)\)/;

const TIMEOUT_CODES = new Set([
  "Neo.ClientError.Transaction.TransactionTimedOut",
  "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
  "Neo.TransientError.Transaction.TransactionTimedOut",
]);

const toInt = (v: unknown): number | undefined => {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (neo4j.isInt(v)) return (v as { toNumber(): number }).toNumber();
  return undefined;
};

const UNAVAILABLE_CODES = new Set([
  "ServiceUnavailable",
  "SessionExpired",
  "Neo.TransientError.General.DatabaseUnavailable",
]);

export function describeDriverError(e: unknown): ErrorInfo {
  if (e instanceof neo4j.Neo4jError && UNAVAILABLE_CODES.has(e.code)) {
    return {
      name: "ConnectionError",
      message:
        "The graph database cannot be reached right now (it may be restarting after an overload). Your code is safe; try again in a few seconds.",
      code: e.code,
      timedOut: false,
    };
  }
  if (e instanceof neo4j.Neo4jError) {
    const code = e.code;
    const name = code.split(".").at(-1) || "Neo4jError";
    let line: number | undefined;
    let column: number | undefined;
    const pos = (e.diagnosticRecord as Record<string, unknown> | undefined)?._position as
      Record<string, unknown> | undefined;
    if (pos && typeof pos === "object") {
      line = toInt(pos.line);
      column = toInt(pos.column);
    }
    const m = POSITION.exec(e.message);
    if (line === undefined && m) {
      line = Number(m[1]);
      column = Number(m[2]);
    }
    const message = e.message.replace(POSITION, "").replace(/\s+$/, "").trim();
    const info: ErrorInfo = { name, message, code, timedOut: TIMEOUT_CODES.has(code) };
    if (line !== undefined) info.line = line;
    if (column !== undefined) info.column = column;
    return info;
  }
  const message = e instanceof Error ? e.message : String(e);
  return { name: e instanceof Error ? e.name : "Error", message, timedOut: false };
}
