/**
 * One Bolt connection's state machine, free of sockets: `handle(request)` returns the response
 * messages to send. States follow the Bolt 5 specification (CONNECTED → AUTHENTICATION → READY ⇄
 * STREAMING / TX_READY ⇄ TX_STREAMING, FAILED until RESET, DEFUNCT closes).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { CypherDatabase, QueryResult, Transaction } from "../database";
import { CypherError } from "../errors";
import type { CypherValue } from "../values";
import { failure, ignored, meta, record, success, type Meta, type Request } from "./messages";
import { PackStreamError, type PackStructure, type PackValue } from "./packstream";
import { fromPack, toPack } from "./value-codec";
import type { AuthGuard } from "./auth-guard";
import { adminCommand } from "./admin-commands";
import { planMeta } from "./plan-meta";
import type { AsyncTransaction, EnginePool } from "./engine-pool";

export interface BoltVersion {
  major: number;
  minor: number;
}

export interface SessionOptions {
  /** Looked up per transaction, so an embedding process can swap the graph (TCK reset). */
  database: () => CypherDatabase;
  user: string;
  password: string;
  version: BoltVersion;
  connectionId: string;
  /** host:port clients should use, returned by ROUTE when the client sent no address. */
  advertisedAddress: string;
  /** Upper bound for any query's run time (ms); a client's tx_timeout may only lower it. */
  maxTxTimeoutMs: number;
  /**
   * An explicit transaction holds one of the few engine workers until it ends: one left open with
   * no message for this long (ms) is rolled back, and the client's next message gets
   * Neo.ClientError.Transaction.TransactionTimedOut. Default 10 s; 0 turns it off.
   */
  maxIdleTxMs?: number;
  /** Run queries in engine worker threads (the Bolt server); without it they run in this thread on `database()`. */
  pool?: () => EnginePool;
  /** Shared across a server's connections: locks a user out briefly after repeated wrong passwords. */
  authGuard?: AuthGuard;
  /** The client's address; lockouts apply per user and address, so strangers cannot lock out the app. */
  clientAddress?: string;
  now?: () => number;
}

const SERVER_AGENT = "Neo4j/5.26.0";
const DEFAULT_MAX_IDLE_TX_MS = 10_000;

type State =
  | "CONNECTED"
  | "AUTHENTICATION"
  | "READY"
  | "STREAMING"
  | "TX_READY"
  | "TX_STREAMING"
  | "FAILED"
  | "DEFUNCT";

interface OpenResult {
  qid: bigint;
  columns: string[];
  rows: CypherValue[][];
  next: number;
  result: QueryResult;
  /** Auto-commit results carry the bookmark of their (already committed) transaction. */
  bookmark?: string;
}

export interface HandleResult {
  responses: PackStructure[];
  /** Close the connection after sending the responses. */
  close: boolean;
}

/** Results are synchronous when queries run in this thread, promises when they run in a worker. */
export type MaybePromise<T> = T | Promise<T>;
const then = <T, U>(v: MaybePromise<T>, f: (x: T) => MaybePromise<U>): MaybePromise<U> =>
  v instanceof Promise ? v.then(f) : f(v);

let bookmarkCounter = 0;
const nextBookmark = (): string => `courses:tx${++bookmarkCounter}`;

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/** For sessions that run queries in this thread (no pool): their answers are never promises. */
export function handleNow(session: BoltSession, req: Request): HandleResult {
  const r = session.handle(req);
  if (r instanceof Promise)
    throw new Error("this session runs queries in engine workers; await handle()");
  return r;
}

export class BoltSession {
  state: State = "CONNECTED";
  private tx: Transaction | AsyncTransaction | undefined;
  private txDeadline: number | undefined;
  private results: OpenResult[] = [];
  private qidCounter = 0n;
  private readonly now: () => number;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages being handled (a pipelined RUN and PULL): the idle clock starts when none is. */
  private inFlight = 0;
  /** The open transaction was rolled back for idling: said to the client at its next message. */
  private idleExpired: CypherError | undefined;

  constructor(private readonly options: SessionOptions) {
    this.now = options.now ?? Date.now;
  }

  private get needsLogon(): boolean {
    return this.options.version.major > 5 || this.options.version.minor >= 1;
  }

  handle(req: Request): MaybePromise<HandleResult> {
    this.disarmIdle();
    this.inFlight++;
    const done = (x: HandleResult): HandleResult => {
      this.inFlight--;
      return this.armIdleIfInTransaction(x);
    };
    const r = this.handleMessage(req);
    return r instanceof Promise ? r.then(done) : done(r);
  }

  private disarmIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private armIdleIfInTransaction(r: HandleResult): HandleResult {
    const idleMs = this.options.maxIdleTxMs ?? DEFAULT_MAX_IDLE_TX_MS;
    this.disarmIdle();
    if (
      idleMs > 0 &&
      this.inFlight === 0 &&
      (this.state === "TX_READY" || this.state === "TX_STREAMING")
    ) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        if (this.state !== "TX_READY" && this.state !== "TX_STREAMING") return;
        this.cleanup();
        this.idleExpired = new CypherError(
          "TransientError",
          "runtime",
          "TransactionTimedOut",
          `The transaction was rolled back after ${idleMs / 1000} s without a message from the client; its changes are lost. Keep transactions short: run their statements back to back, then commit.`,
        );
      }, idleMs);
      this.idleTimer.unref?.();
    }
    return r;
  }

  private handleMessage(req: Request): MaybePromise<HandleResult> {
    const one = (r: PackStructure, close = false): HandleResult => ({ responses: [r], close });
    if (this.idleExpired && req.type !== "GOODBYE" && req.type !== "RESET") {
      const expired = this.idleExpired;
      this.idleExpired = undefined;
      return this.fail(expired);
    }
    this.idleExpired = undefined;
    if (req.type === "GOODBYE") {
      this.cleanup();
      this.state = "DEFUNCT";
      return { responses: [], close: true };
    }
    if (this.state === "DEFUNCT") return { responses: [], close: true };
    if (req.type === "RESET") {
      if (this.state === "CONNECTED" || this.state === "AUTHENTICATION")
        return this.protocolViolation("RESET before authentication");
      this.cleanup();
      this.state = "READY";
      return one(success());
    }
    if (this.state === "FAILED") return one(ignored());
    try {
      const r = this.dispatch(req);
      return r instanceof Promise ? r.catch((e: unknown) => this.fail(e)) : r;
    } catch (e) {
      return this.fail(e);
    }
  }

  /** Roll back whatever is open (connection closing or RESET). */
  cleanup(): void {
    this.disarmIdle();
    if (this.tx?.open) void Promise.resolve(this.tx.rollback()).catch(() => {});
    this.tx = undefined;
    this.txDeadline = undefined;
    this.results = [];
  }

  private protocolViolation(message: string): HandleResult {
    this.cleanup();
    this.state = "DEFUNCT";
    return { responses: [failure("Neo.ClientError.Request.Invalid", message)], close: true };
  }

  private dispatch(req: Request): MaybePromise<HandleResult> {
    const one = (r: PackStructure): HandleResult => ({ responses: [r], close: false });
    switch (req.type) {
      case "HELLO": {
        if (this.state !== "CONNECTED") return this.protocolViolation("HELLO sent twice");
        if (!this.needsLogon) {
          // Bolt 5.0 carries the credentials in HELLO.
          const denied = this.authenticate(req.extra);
          if (denied) return denied;
          this.state = "READY";
        } else this.state = "AUTHENTICATION";
        return one(
          success(
            meta({
              server: SERVER_AGENT,
              connection_id: this.options.connectionId,
              hints: new Map(),
            }),
          ),
        );
      }
      case "LOGON": {
        if (this.state !== "AUTHENTICATION")
          return this.protocolViolation(`LOGON is not allowed in state ${this.state}`);
        const denied = this.authenticate(req.auth);
        if (denied) return denied;
        this.state = "READY";
        return one(success());
      }
      case "LOGOFF": {
        if (this.state !== "READY")
          return this.protocolViolation(`LOGOFF is not allowed in state ${this.state}`);
        this.state = "AUTHENTICATION";
        return one(success());
      }
      case "TELEMETRY":
        if (!this.authenticated) return this.protocolViolation("TELEMETRY before authentication");
        return one(success());
      case "ROUTE": {
        if (!this.authenticated) return this.protocolViolation("ROUTE before authentication");
        const addressValue = req.routing.get("address");
        const address =
          typeof addressValue === "string" && addressValue
            ? addressValue
            : this.options.advertisedAddress;
        const server = (role: string): PackValue => meta({ addresses: [address], role });
        const db = req.extra.get("db");
        return one(
          success(
            meta({
              rt: meta({
                ttl: 300n,
                db: typeof db === "string" ? db : "neo4j",
                servers: [server("ROUTE"), server("READ"), server("WRITE")],
              }),
            }),
          ),
        );
      }
      case "BEGIN": {
        if (this.state !== "READY")
          return this.protocolViolation(`BEGIN is not allowed in state ${this.state}`);
        const t = req.extra.get("tx_timeout");
        // idle time between statements does not count, unless the client asked for a transaction timeout
        this.txDeadline =
          typeof t === "bigint" && t > 0n ? this.deadlineFrom(req.extra) : undefined;
        const started = (tx: Transaction | AsyncTransaction): HandleResult => {
          this.tx = tx;
          this.state = "TX_READY";
          return one(success());
        };
        const pool = this.options.pool?.();
        return pool
          ? pool.begin().then(started)
          : started(this.options.database().beginTransaction());
      }
      case "RUN":
        return this.run(req.query, req.params, req.extra);
      case "PULL":
      case "DISCARD":
        return this.pull(req.type, req.n, req.qid);
      case "COMMIT": {
        if (!this.tx || (this.state !== "TX_READY" && this.state !== "TX_STREAMING"))
          return this.protocolViolation("COMMIT outside a transaction");
        const tx = this.tx;
        this.tx = undefined;
        this.results = [];
        this.state = "READY";
        return then(tx.commit(), () => one(success(meta({ bookmark: nextBookmark() }))));
      }
      case "ROLLBACK": {
        if (!this.tx || (this.state !== "TX_READY" && this.state !== "TX_STREAMING"))
          return this.protocolViolation("ROLLBACK outside a transaction");
        const tx = this.tx;
        this.tx = undefined;
        this.cleanup();
        this.state = "READY";
        return then(tx.rollback(), () => one(success()));
      }
      case "GOODBYE":
      case "RESET":
        throw new Error("handled before dispatch");
    }
  }

  private get authenticated(): boolean {
    return this.state !== "CONNECTED" && this.state !== "AUTHENTICATION";
  }

  private authenticate(auth: Meta): HandleResult | null {
    const scheme = auth.get("scheme");
    const principal = auth.get("principal");
    const credentials = auth.get("credentials");
    const guard = this.options.authGuard;
    const who = `${this.options.clientAddress ?? ""}|${typeof principal === "string" ? principal : ""}`;
    if (guard?.locked(who)) {
      this.state = "DEFUNCT";
      return {
        responses: [
          failure(
            "Neo.ClientError.Security.AuthenticationRateLimit",
            "The client has provided incorrect authentication details too many times in a row. Try again in a few seconds.",
          ),
        ],
        close: true,
      };
    }
    const ok =
      scheme === "basic" &&
      typeof principal === "string" &&
      typeof credentials === "string" &&
      // Compare digests so the comparison takes the same time whatever the lengths.
      timingSafeEqual(digest(principal), digest(this.options.user)) &&
      timingSafeEqual(digest(credentials), digest(this.options.password));
    if (ok) {
      guard?.recordSuccess(who);
      return null;
    }
    guard?.recordFailure(who);
    this.state = "DEFUNCT";
    const message =
      scheme === "basic" || scheme === undefined
        ? "The client is unauthorized due to authentication failure."
        : `Unsupported authentication scheme '${String(scheme)}': this server accepts basic authentication only.`;
    return { responses: [failure("Neo.ClientError.Security.Unauthorized", message)], close: true };
  }

  private deadlineFrom(extra: Meta): number {
    const t = extra.get("tx_timeout");
    const requested = typeof t === "bigint" && t > 0n ? Number(t) : this.options.maxTxTimeoutMs;
    return this.now() + Math.min(requested, this.options.maxTxTimeoutMs);
  }

  /** Tool statements (SHOW DATABASES, dbms.components()…) are answered or rewritten before the engine. */
  private execute(
    tx: Transaction | AsyncTransaction | "auto",
    query: string,
    params: Map<string, CypherValue>,
    deadline: number,
  ): MaybePromise<QueryResult> {
    const admin = adminCommand(query, {
      user: this.options.user,
      version: SERVER_AGENT.split("/")[1] ?? "5",
      address: this.options.advertisedAddress,
    });
    if (admin?.kind === "result") return admin.result;
    const text = admin?.kind === "rewrite" ? admin.query : query;
    const pool = this.options.pool?.();
    if (tx === "auto") {
      if (pool) return pool.autoCommit(text, params, deadline);
      const own = this.options.database().beginTransaction();
      try {
        const r = own.run(text, params, { deadline });
        own.commit();
        return r;
      } catch (e) {
        if (own.open) own.rollback();
        throw e;
      }
    }
    return "inWorker" in tx ? tx.run(text, params, deadline) : tx.run(text, params, { deadline });
  }

  private run(
    query: string,
    packParams: Map<string, PackValue>,
    extra: Meta,
  ): MaybePromise<HandleResult> {
    const params = new Map<string, CypherValue>();
    for (const [k, v] of packParams) params.set(k, fromPack(v));
    const started = this.now();
    if (this.state === "READY") {
      return then(this.execute("auto", query, params, this.deadlineFrom(extra)), (result) => {
        this.results = [
          {
            qid: -1n,
            columns: result.columns,
            rows: result.rows,
            next: 0,
            result,
            bookmark: nextBookmark(),
          },
        ];
        this.state = "STREAMING";
        return {
          responses: [
            success(meta({ fields: result.columns, t_first: BigInt(this.now() - started) })),
          ],
          close: false,
        };
      });
    }
    if ((this.state === "TX_READY" || this.state === "TX_STREAMING") && this.tx) {
      const deadline = Math.min(this.txDeadline ?? Infinity, this.deadlineFrom(extra));
      return then(this.execute(this.tx, query, params, deadline), (result) => {
        const qid = this.qidCounter++;
        this.results.push({ qid, columns: result.columns, rows: result.rows, next: 0, result });
        this.state = "TX_STREAMING";
        return {
          responses: [
            success(meta({ fields: result.columns, t_first: BigInt(this.now() - started), qid })),
          ],
          close: false,
        };
      });
    }
    return this.protocolViolation(`RUN is not allowed in state ${this.state}`);
  }

  private pull(kind: "PULL" | "DISCARD", n: bigint, qid: bigint): HandleResult {
    if (this.state !== "STREAMING" && this.state !== "TX_STREAMING")
      return this.protocolViolation(`${kind} without an open result`);
    const index =
      qid === -1n ? this.results.length - 1 : this.results.findIndex((r) => r.qid === qid);
    const open = this.results[index];
    if (!open) return this.protocolViolation(`${kind} for an unknown query id ${qid}`);
    const responses: PackStructure[] = [];
    const end = n < 0n ? open.rows.length : Math.min(open.rows.length, open.next + Number(n));
    // Encode (and so validate) every value here, where a failure becomes a FAILURE message.
    if (kind === "PULL")
      for (let i = open.next; i < end; i++) responses.push(record(open.rows[i]!.map(toPack)));
    open.next = kind === "PULL" ? end : n < 0n ? open.rows.length : end;
    if (open.next < open.rows.length) {
      responses.push(success(meta({ has_more: true })));
      return { responses, close: false };
    }
    this.results.splice(index, 1);
    const summary = meta({
      type: open.result.queryType,
      t_last: 0n,
      db: "neo4j",
      stats: statsMeta(open.result),
      bookmark: open.bookmark,
      plan:
        open.result.plan && open.result.planKind === "explain"
          ? planMeta(open.result.plan, false)
          : undefined,
      profile:
        open.result.plan && open.result.planKind === "profile"
          ? planMeta(open.result.plan, true)
          : undefined,
    });
    responses.push(success(summary));
    if (this.state === "STREAMING") this.state = "READY";
    else if (this.results.length === 0) this.state = "TX_READY";
    return { responses, close: false };
  }

  private fail(e: unknown): HandleResult {
    this.cleanup();
    this.state = "FAILED";
    return { responses: [failureFor(e)], close: false };
  }
}

const STAT_KEYS: [keyof QueryResult["stats"], string][] = [
  ["nodesCreated", "nodes-created"],
  ["nodesDeleted", "nodes-deleted"],
  ["relationshipsCreated", "relationships-created"],
  ["relationshipsDeleted", "relationships-deleted"],
  ["propertiesSet", "properties-set"],
  ["labelsAdded", "labels-added"],
  ["labelsRemoved", "labels-removed"],
];

function statsMeta(r: QueryResult): Meta | undefined {
  const m: Meta = new Map();
  for (const [key, wire] of STAT_KEYS) if (r.stats[key] > 0) m.set(wire, BigInt(r.stats[key]));
  if (m.size === 0) return undefined;
  m.set("contains-updates", true);
  return m;
}

/** Engine errors keep their Neo4j code; the TCK type/phase/detail and the position travel in the diagnostic record. */
function failureFor(e: unknown): PackStructure {
  if (e instanceof CypherError) {
    const diagnostic: Meta = meta({
      OPERATION: "",
      OPERATION_CODE: "0",
      CURRENT_SCHEMA: "/",
      _classification: e.neo4jCode.startsWith("Neo.ClientError")
        ? "CLIENT_ERROR"
        : "DATABASE_ERROR",
      _position: e.position
        ? meta({
            offset: BigInt(e.position.offset),
            line: BigInt(e.position.line),
            column: BigInt(e.position.column),
          })
        : undefined,
      _cypher_type: e.type,
      _cypher_phase: e.phase,
      _cypher_detail: e.detail,
    });
    return failure(e.neo4jCode, e.message, { diagnostic_record: diagnostic, gql_status: "50N42" });
  }
  if (e instanceof PackStreamError) return failure("Neo.ClientError.Request.Invalid", e.message);
  const message = e instanceof Error ? e.message : String(e);
  return failure("Neo.DatabaseError.General.UnknownError", `Internal error: ${message}`);
}
