import type { CypherValue } from "./values";
import { CypherError } from "./errors";
import { Graph } from "./graph";
import type { PlanNode } from "./plan";
import { prepareQuery, executePrepared } from "./engine";
import { ProcedureRegistry, type ProcedureTable } from "./procedures";
import { graphFromSnapshot, graphToSnapshot } from "./snapshot";
import { conflictError } from "./tx-errors";

export interface QueryStats {
  nodesCreated: number;
  nodesDeleted: number;
  relationshipsCreated: number;
  relationshipsDeleted: number;
  propertiesSet: number;
  labelsAdded: number;
  labelsRemoved: number;
}
export interface QueryResult {
  columns: string[];
  rows: CypherValue[][];
  stats: QueryStats;
  queryType: "r" | "w" | "rw" | "s";
  /** EXPLAIN: the plan; PROFILE: the plan with rows and db hits per operator (H18b, plan.ts) */
  plan?: PlanNode;
  planKind?: "explain" | "profile";
}
export interface RunOptions {
  /** Date.now() ms after which execution throws a timeout error */
  deadline?: number;
}
export type QueryParams = ReadonlyMap<string, CypherValue> | Record<string, CypherValue>;

export interface Transaction {
  run(query: string, params?: QueryParams, options?: RunOptions): QueryResult;
  commit(): void;
  rollback(): void;
  readonly open: boolean;
}

export const emptyStats = (): QueryStats => ({
  nodesCreated: 0,
  nodesDeleted: 0,
  relationshipsCreated: 0,
  relationshipsDeleted: 0,
  propertiesSet: 0,
  labelsAdded: 0,
  labelsRemoved: 0,
});

const toParamMap = (p?: QueryParams): ReadonlyMap<string, CypherValue> =>
  p === undefined
    ? new Map()
    : p instanceof Map
      ? p
      : new Map(Object.entries(p as Record<string, CypherValue>));

/**
 * Concurrency: snapshot isolation with first-committer-wins. A transaction reads the graph
 * committed when it started and writes to a private copy-on-write version; COMMIT fails with a
 * transient error (drivers retry) when another write committed since it started, so no committed
 * write is ever overwritten. An auto-commit query runs start to end synchronously and cannot conflict.
 */
class EngineTransaction implements Transaction {
  private working: Graph | undefined;
  private readonly base: Graph;
  private readonly startVersion: number;
  /** "failed": a statement failed; like Neo4j, the transaction can then only be rolled back */
  private state: "open" | "failed" | "committed" | "rolledback" = "open";

  constructor(private readonly db: CypherDatabase) {
    this.base = db.graph;
    this.startVersion = db.version;
  }

  /** Still needs commit() or rollback() (a failed transaction is open until rolled back). */
  get open(): boolean {
    return this.state === "open" || this.state === "failed";
  }

  private ensureUsable(): void {
    if (this.state === "failed")
      throw new CypherError(
        "DatabaseError",
        "runtime",
        "TransactionFailed",
        "The transaction failed because of an earlier error; it can only be rolled back.",
      );
    if (this.state !== "open")
      throw new CypherError(
        "DatabaseError",
        "runtime",
        "TransactionClosed",
        "The transaction has been closed.",
      );
  }

  run(query: string, params?: QueryParams, options?: RunOptions): QueryResult {
    this.ensureUsable();
    try {
      const prepared = prepareQuery(query);
      let graph = this.working ?? this.base;
      if (prepared.updating && !this.working) graph = this.working = this.base.clone();
      else if (prepared.updating) graph = this.working!;
      return executePrepared(
        prepared,
        { graph, procedures: this.db.procedures, deadline: options?.deadline },
        toParamMap(params),
      );
    } catch (e) {
      // a statement's partial writes cannot be undone alone: the whole transaction is doomed
      this.state = "failed";
      this.working = undefined;
      throw e;
    }
  }

  commit(): void {
    this.ensureUsable();
    if (this.working && this.db.version !== this.startVersion) {
      this.state = "rolledback";
      this.working = undefined;
      throw conflictError();
    }
    this.state = "committed";
    if (this.working) {
      this.db.graph = this.working;
      this.db.version++;
      this.db.onCommit?.(this.db);
    }
  }

  rollback(): void {
    this.state = "rolledback";
    this.working = undefined;
  }
}

export class CypherDatabase {
  /** The committed graph. */
  graph: Graph = new Graph();
  /** Counts write commits; a transaction may commit its writes only if none happened since it began. */
  version = 0;
  readonly procedures = new ProcedureRegistry();
  onCommit?: (db: CypherDatabase) => void;

  beginTransaction(): Transaction {
    return new EngineTransaction(this);
  }

  /** Auto-commit: the query's writes become visible only if it completes without error. */
  run(query: string, params?: QueryParams, options?: RunOptions): QueryResult {
    const tx = this.beginTransaction();
    try {
      const r = tx.run(query, params, options);
      tx.commit();
      return r;
    } catch (e) {
      tx.rollback();
      throw e;
    }
  }

  /** For the TCK step "there exists a procedure <signature>:". */
  registerProcedure(signature: string, table: ProcedureTable): void {
    this.procedures.register(signature, table);
  }

  /** JSON-serialisable (bigints as strings). */
  toSnapshot(): unknown {
    return graphToSnapshot(this.graph);
  }

  static fromSnapshot(data: unknown): CypherDatabase {
    const db = new CypherDatabase();
    db.graph = graphFromSnapshot(data);
    return db;
  }
}
