/**
 * Errors about transactions rather than queries. Their Neo4j codes decide what drivers do:
 * `Neo.TransientError.*` makes managed transactions (executeWrite, executeQuery) retry.
 */
import { CypherError, type CypherErrorPhase, type CypherErrorType } from "./errors";

export class CodedCypherError extends CypherError {
  constructor(
    private readonly code: string,
    type: CypherErrorType,
    detail: string,
    message: string,
    phase: CypherErrorPhase = "runtime",
  ) {
    super(type, phase, detail, message);
  }

  override get neo4jCode(): string {
    return this.code;
  }
}

/** First committer wins: a write transaction whose snapshot is older than the last commit fails. */
export const conflictError = (): CypherError =>
  new CodedCypherError(
    "Neo.TransientError.Transaction.Outdated",
    "TransientError",
    "TransactionConflict",
    "Another transaction committed changes after this transaction started; it was rolled back so that no write is lost. Retry it (drivers' managed transactions do so).",
  );

export const busyError = (waitedMs: number): CypherError =>
  new CodedCypherError(
    "Neo.TransientError.Transaction.MaximumTransactionLimitReached",
    "TransientError",
    "TooManyTransactions",
    `Every query engine worker stayed busy for ${waitedMs} ms; try again shortly.`,
  );

export const memoryError = (heapMb: number): CypherError =>
  new CodedCypherError(
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "DatabaseError",
    "OutOfMemory",
    `The query needed more than the ${heapMb} MB of memory a query may use and was stopped.`,
  );

export const timeoutError = (ms: number): CypherError =>
  new CypherError(
    "TransientError",
    "runtime",
    "Timeout",
    `The query took longer than ${ms} ms and was stopped`,
  );

export const resultTooLargeError = (what: string): CypherError =>
  new CodedCypherError(
    "Neo.ClientError.Statement.ResultTooLarge",
    "DatabaseError",
    "ResultTooLarge",
    what,
  );
