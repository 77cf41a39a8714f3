/** Errors raised by the Cypher engine, shaped after the openCypher TCK's error types and details. */
export type CypherErrorType =
  | "SyntaxError"
  | "SemanticError"
  | "TypeError"
  | "ArgumentError"
  | "ConstraintVerificationFailed"
  | "ConstraintValidationFailed"
  | "EntityNotFound"
  | "ParameterMissing"
  | "ProcedureError"
  | "ArithmeticError"
  | "TransientError"
  | "DatabaseError";

export type CypherErrorPhase = "compile time" | "runtime";

export interface SourcePosition {
  offset: number;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

const CODES: Record<CypherErrorType, string> = {
  SyntaxError: "Neo.ClientError.Statement.SyntaxError",
  SemanticError: "Neo.ClientError.Statement.SemanticError",
  TypeError: "Neo.ClientError.Statement.TypeError",
  ArgumentError: "Neo.ClientError.Statement.ArgumentError",
  ConstraintVerificationFailed: "Neo.ClientError.Schema.ConstraintValidationFailed",
  ConstraintValidationFailed: "Neo.ClientError.Schema.ConstraintValidationFailed",
  EntityNotFound: "Neo.ClientError.Statement.EntityNotFound",
  ParameterMissing: "Neo.ClientError.Statement.ParameterMissing",
  ProcedureError: "Neo.ClientError.Procedure.ProcedureCallFailed",
  ArithmeticError: "Neo.ClientError.Statement.ArithmeticError",
  TransientError: "Neo.ClientError.Transaction.TransactionTimedOut",
  DatabaseError: "Neo.DatabaseError.General.UnknownError",
};

export class CypherError extends Error {
  readonly type: CypherErrorType;
  readonly phase: CypherErrorPhase;
  /** TCK detail, e.g. "UndefinedVariable". */
  readonly detail: string;
  position?: SourcePosition;

  constructor(
    type: CypherErrorType,
    phase: CypherErrorPhase,
    detail: string,
    message: string,
    position?: SourcePosition,
  ) {
    super(
      position
        ? `${message} (line ${position.line}, column ${position.column} (offset: ${position.offset}))`
        : message,
    );
    this.name = "CypherError";
    this.type = type;
    this.phase = phase;
    this.detail = detail;
    if (position) this.position = position;
  }

  get neo4jCode(): string {
    return CODES[this.type];
  }
}

/** Position of `offset` inside `text`, as 1-based line and column. */
export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      col = 1;
    } else col++;
  }
  return { offset, line, column: col };
}

export const syntaxError = (
  detail: string,
  message: string,
  position?: SourcePosition,
): CypherError => new CypherError("SyntaxError", "compile time", detail, message, position);
