import type { CypherValue } from "../values";
import type { QueryStats } from "../database";
import { CypherDatabase } from "../database";
import { CypherError } from "../errors";

export interface TckError {
  type?: string;
  phase?: string;
  detail?: string;
  code?: string;
  message: string;
}
export type TckRunResult =
  { columns: string[]; rows: CypherValue[][]; stats: QueryStats } | { error: TckError };

/** The seam between the TCK runner and an engine: in-process (here) or over Bolt (bolt-executor.ts). */
export interface TckExecutor {
  /** fresh empty graph */
  reset(): Promise<void>;
  registerProcedure(
    signature: string,
    table: { columns: string[]; rows: CypherValue[][] },
  ): Promise<void>;
  run(query: string, params: Record<string, CypherValue>): Promise<TckRunResult>;
  close(): Promise<void>;
}

export function errorToTck(e: unknown): TckError {
  if (e instanceof CypherError)
    return {
      type: e.type,
      phase: e.phase,
      detail: e.detail,
      code: e.neo4jCode,
      message: e.message,
    };
  return { message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

export function createInProcessExecutor(): TckExecutor {
  let db = new CypherDatabase();
  return {
    async reset() {
      db = new CypherDatabase();
    },
    async registerProcedure(signature, table) {
      db.registerProcedure(signature, table);
    },
    async run(query, params) {
      try {
        const r = db.run(query, params);
        return { columns: r.columns, rows: r.rows, stats: r.stats };
      } catch (e) {
        return { error: errorToTck(e) };
      }
    },
    async close() {},
  };
}
