/** Messages between the Bolt server's main thread and its engine workers (structured clone). */
import {
  CypherError,
  type CypherErrorPhase,
  type CypherErrorType,
  type SourcePosition,
} from "../errors";
import type { QueryResult } from "../database";
import type { GraphDelta } from "../graph";
import type { Procedure } from "../procedures";
import type { CypherValue } from "../values";
import { CodedCypherError } from "../tx-errors";

export interface WorkerLimits {
  maxRows: number;
  maxResultBytes: number;
}

export type ToWorker =
  | { t: "load"; graph: GraphDelta; procedures: Procedure[]; version: number }
  | { t: "delta"; delta: GraphDelta; version: number }
  | { t: "begin"; id: number }
  | {
      t: "run";
      id: number;
      query: string;
      params: Map<string, CypherValue>;
      deadline: number;
      auto: boolean;
    }
  | { t: "prepare"; id: number }
  | { t: "finalize"; id: number; commit: boolean; version: number }
  | { t: "rollback"; id: number };

export interface WireError {
  code: string;
  type: CypherErrorType;
  phase: CypherErrorPhase;
  detail: string;
  message: string;
  position?: SourcePosition;
}

export type FromWorker =
  | { id: number; ok: true; result?: QueryResult; delta?: GraphDelta; startVersion: number }
  | { id: number; ok: false; error: WireError };

export function errorToWire(e: unknown): WireError {
  if (e instanceof CypherError)
    return {
      code: e.neo4jCode,
      type: e.type,
      phase: e.phase,
      detail: e.detail,
      message: e.message,
      position: e.position,
    };
  const message = e instanceof Error ? e.message : String(e);
  return {
    code: "Neo.DatabaseError.General.UnknownError",
    type: "DatabaseError",
    phase: "runtime",
    detail: "InternalError",
    message: `Internal error: ${message}`,
  };
}

export function errorFromWire(w: WireError): CypherError {
  // the message already names the position, so it is set afterwards rather than appended again
  const e = new CodedCypherError(w.code, w.type, w.detail, w.message, w.phase);
  if (w.position) e.position = w.position;
  return e;
}
