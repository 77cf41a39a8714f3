/**
 * Runs one Cypher cell for one learner: in a single transaction, load the lesson's dataset,
 * replay the learner's earlier Cypher cells, run this cell (and its check, for check cells),
 * collect the result — then ALWAYS roll back. Every run sees a private, fresh graph, also on a
 * shared real Neo4j. Bounded by a transaction timeout and a row cap.
 */
import "server-only";
import neo4j, {
  type Driver,
  type ManagedTransaction,
  type Session,
  type Transaction,
} from "neo4j-driver";
import { fromDriverValue, toDriverValue } from "@courses/cypher/driver-values";
import { makeMap, type CypherValue } from "@courses/cypher";
import type { CellOutput, CodeMarker } from "@/lib/notebook/types";
import { checkParameters, evaluateCheckRows } from "./cypher-check";
import { describeDriverError } from "./cypher-errors";
import { loadDataset, UnknownDatasetError } from "./datasets";
import { getDriver } from "@/lib/neo4j/driver";
import { reportUnresponsiveCypherServer } from "@/lib/neo4j/embedded";
import { neo4jConfig } from "@/lib/neo4j/config";
import { capOutputs, DEFAULT_MAX_OUTPUT_BYTES } from "./output-cap";
import { collectGraphRelationships, resultOutputs, type CollectedResult } from "./result-format";
import { splitStatements, toCellPosition, type Statement } from "./statements";
import {
  applyParamCommands,
  describeParams,
  explainMissingParameter,
  parseCellParams,
  type ParamError,
} from "./params";
import { planOperatorsInOrder, planOutputFromSummary, type PlanOutput } from "./plan";

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_ROW_CAP = 1_000;

export interface CypherCellInput {
  dataset?: string;
  /** The learner's earlier Cypher cells of the lesson, in order (each may hold several statements). */
  previousQueries: string[];
  /** How to name each earlier cell in an error message (e.g. its id); defaults to its position. */
  previousLabels?: string[];
  query: string;
  /** For a check cell: `query` is the exercise, `check` the check query (see cypher-check.ts). */
  check?: string;
  timeoutMs?: number;
  rowCap?: number;
  /** Cap on the serialised outputs (see output-cap.ts). */
  maxOutputBytes?: number;
}

export interface CypherCellResult {
  ok: boolean;
  outputs: CellOutput[];
  markers: CodeMarker[];
  durationMs: number;
}

export interface CypherCellDeps {
  driver?: Driver;
  database?: string;
  datasetsDir?: string;
}

type Tx = Transaction | ManagedTransaction;

class CellFailure extends Error {
  constructor(
    readonly output: CellOutput,
    readonly marker?: CodeMarker,
  ) {
    super(output.type === "error" ? output.message : "cell failed");
  }
}

type CollectedStatement = CollectedResult & { summary: string | null; plan: PlanOutput | null };

/** Cell parameters (`:param`) as driver parameters: sent with the query, never pasted into it. */
type DriverParams = Record<string, unknown>;
const toDriverParams = (params: ReadonlyMap<string, CypherValue>): DriverParams =>
  Object.fromEntries([...params].map(([name, v]) => [name, toDriverValue(v)]));

/** Runs every statement of a dataset or an earlier cell, results ignored. */
async function runSource(
  tx: Tx,
  source: string,
  onError: (e: unknown) => CellFailure,
  params: DriverParams = {},
): Promise<void> {
  for (const s of splitStatements(source)) {
    try {
      await tx.run(s.text, params);
    } catch (e) {
      throw onError(e);
    }
  }
}

/** What a cell shows for its last statement: the update summary, the table and the graph. */
async function statementOutputs(
  tx: Tx,
  last: CollectedStatement,
  rowCap: number,
  maxOutputBytes: number,
): Promise<CellOutput[]> {
  const outputs: CellOutput[] = [];
  // EXPLAIN does not run the query: its plan is the whole answer.
  if (last.plan?.mode === "explain") return [last.plan];
  if (last.summary) outputs.push({ type: "text", stream: "info", text: last.summary });
  if (last.columns.length > 0)
    outputs.push(...(await connectGraph(tx, resultOutputs(last, rowCap))));
  else if (!last.summary)
    outputs.push({ type: "text", stream: "info", text: "(no changes, no records)" });
  // The plan is bounded on its own (MAX_PLAN_OPERATORS) and goes under the result.
  return last.plan
    ? [...capOutputs(outputs, maxOutputBytes), last.plan]
    : capOutputs(outputs, maxOutputBytes);
}

async function collect(
  tx: Tx,
  statement: string,
  params: Record<string, unknown>,
  rowCap: number,
): Promise<CollectedStatement> {
  const result = tx.run(statement, params);
  const columns = (await result.keys()).map(String);
  const rows: CypherValue[][] = [];
  let totalRows = 0;
  for await (const record of result) {
    totalRows++;
    if (rows.length < rowCap) rows.push(columns.map((_, i) => safeValue(record.get(i))));
  }
  const summary = await result.summary();
  return {
    columns,
    rows,
    totalRows,
    summary: describeUpdates(summary.counters.updates()),
    plan: planOutputFromSummary(summary),
  };
}

/** Values a real Neo4j may return that the engine model lacks (points, vectors) become their text. */
function safeValue(v: unknown): CypherValue {
  try {
    return fromDriverValue(v);
  } catch {
    return String(v);
  }
}

function describeUpdates(u: Record<string, number>): string | null {
  const names: [string, string][] = [
    ["nodesCreated", "node created"],
    ["nodesDeleted", "node deleted"],
    ["relationshipsCreated", "relationship created"],
    ["relationshipsDeleted", "relationship deleted"],
    ["propertiesSet", "property set"],
    ["labelsAdded", "label added"],
    ["labelsRemoved", "label removed"],
  ];
  const parts = names
    .filter(([k]) => (u[k] ?? 0) > 0)
    .map(([k, label]) => {
      const n = u[k]!;
      const [noun, verb] = label.split(" ") as [string, string];
      const plural = n === 1 ? noun : noun === "property" ? "properties" : `${noun}s`;
      return `${n} ${plural} ${verb}`;
    });
  return parts.length ? parts.join(", ") : null;
}

/** Where a failure outside this cell's own statements happened; `cellId` for a cell above. */
interface Upstream {
  where: string;
  cellId?: string;
}

/**
 * A cell above that failed or timed out while it was replayed: this cell names it (and the
 * notebook links it) instead of reporting the failure as its own.
 */
function cellAboveFailure(cellId: string, where: string, detail: string | null, timeoutMs: number) {
  return new CellFailure({
    type: "error",
    name: detail === null ? "CellAboveTimedOut" : "CellAboveFailed",
    message:
      detail === null
        ? `${where} took longer than ${timeoutMs / 1000} s and was stopped, so this cell could not run. Fix "${cellId}" first.`
        : `${where} failed, so this cell could not run: ${detail}`,
    causeCellId: cellId,
  });
}

function errorFor(
  e: unknown,
  statement: Statement | null,
  timeoutMs: number,
  upstream: Upstream | null,
): CellFailure {
  const described = describeDriverError(e);
  const info = {
    ...described,
    message: explainMissingParameter(described.code, described.message) ?? described.message,
  };
  if (upstream?.cellId)
    return cellAboveFailure(
      upstream.cellId,
      upstream.where,
      info.timedOut ? null : info.message,
      timeoutMs,
    );
  const where = upstream?.where ?? null;
  if (info.timedOut)
    return new CellFailure({
      type: "error",
      name: "Timeout",
      message: `The query took longer than ${timeoutMs / 1000} s and was stopped. Narrow the MATCH, add a LIMIT, or bound variable-length patterns (for example [*1..4]).`,
    });
  if (where)
    return new CellFailure({
      type: "error",
      name: info.name,
      message: `${where} failed, so this cell could not run: ${info.message}`,
    });
  const output: Extract<CellOutput, { type: "error" }> = {
    type: "error",
    name: info.name,
    message: info.message,
  };
  let marker: CodeMarker | undefined;
  if (statement && info.line !== undefined) {
    const pos = toCellPosition(statement, info.line, info.column ?? 1);
    output.line = pos.line;
    output.column = pos.column;
    marker = { line: pos.line, column: pos.column, message: info.message };
  }
  return new CellFailure(output, marker);
}

export async function runCypherCell(
  input: CypherCellInput,
  deps: CypherCellDeps = {},
): Promise<CypherCellResult> {
  const started = Date.now();
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const rowCap = input.rowCap ?? DEFAULT_ROW_CAP;
  const finish = (
    ok: boolean,
    outputs: CellOutput[],
    markers: CodeMarker[] = [],
  ): CypherCellResult => ({ ok, outputs, markers, durationMs: Date.now() - started });

  let dataset: string | null = null;
  try {
    if (input.dataset) dataset = await loadDataset(input.dataset, deps.datasetsDir);
  } catch (e) {
    return finish(false, [
      {
        type: "error",
        name: "UnknownDataset",
        message: e instanceof UnknownDatasetError ? e.message : String(e),
      },
    ]);
  }
  const cellParams = parseCellParams(input.query);
  if (!cellParams.ok) {
    const { output, marker } = malformedParam(cellParams.error);
    return finish(false, [output], [marker]);
  }
  // `:param` works like a Neo4j Browser session: what a cell above set stays set below it.
  const replays: { query: string; params: DriverParams }[] = [];
  let params = new Map<string, CypherValue>();
  for (const [i, previous] of input.previousQueries.entries()) {
    const parsed = parseCellParams(previous);
    if (!parsed.ok) {
      const label = input.previousLabels?.[i];
      const detail = malformedParam(parsed.error).output.message;
      return finish(false, [
        label
          ? cellAboveFailure(label, `The Cypher cell "${label}" above`, detail, timeoutMs).output
          : {
              type: "error",
              name: "CellAboveFailed",
              message: `Cypher cell ${i + 1} above this one failed, so this cell could not run: ${detail}`,
            },
      ]);
    }
    params = applyParamCommands(params, parsed.commands);
    replays.push({ query: parsed.query, params: toDriverParams(params) });
  }
  params = applyParamCommands(params, cellParams.commands);
  const statements = splitStatements(cellParams.query);
  if (statements.length === 0 && !input.check)
    return finish(true, [
      cellParams.commands.length > 0
        ? { type: "text", stream: "info", text: describeParams(params) }
        : { type: "text", stream: "info", text: "Nothing to run: the cell is empty." },
    ]);

  let driver: Driver;
  try {
    driver = deps.driver ?? getDriver();
  } catch (e) {
    return finish(false, [
      { type: "error", name: "NotConfigured", message: e instanceof Error ? e.message : String(e) },
    ]);
  }
  const session: Session = driver.session({
    database: deps.database ?? neo4jConfig().database,
    defaultAccessMode: neo4j.session.WRITE,
  });
  let tx: Transaction | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let serverUnresponsive = false;
  /** The cell above being replayed right now, if any. */
  let replaying: Upstream | null = null;
  try {
    const work = async (): Promise<CypherCellResult> => {
      const openTx = await beginWithRetry(session, timeoutMs);
      tx = openTx;
      if (dataset)
        await runSource(openTx, dataset, (e) =>
          errorFor(e, null, timeoutMs, { where: `Loading the dataset "${input.dataset}"` }),
        );
      for (const [i, previous] of replays.entries()) {
        const label = input.previousLabels?.[i];
        replaying = label
          ? { where: `The Cypher cell "${label}" above`, cellId: label }
          : { where: `Cypher cell ${i + 1} above this one` };
        const upstream = replaying;
        await runSource(
          openTx,
          previous.query,
          (e) => errorFor(e, null, timeoutMs, upstream),
          previous.params,
        );
      }
      replaying = null;
      let last: CollectedStatement | null = null;
      const driverParams = toDriverParams(params);
      for (const s of statements) {
        try {
          last = await collect(openTx, s.text, driverParams, rowCap);
        } catch (e) {
          throw errorFor(e, s, timeoutMs, input.check ? { where: "The exercise cell" } : null);
        }
      }
      if (input.check !== undefined)
        return runCheck(openTx, input.check, last, timeoutMs, finish, params);
      return finish(
        true,
        last
          ? await statementOutputs(
              openTx,
              last,
              rowCap,
              input.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
            )
          : [],
      );
    };
    // The server enforces the transaction timeout; this guard covers a server that does not answer.
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        serverUnresponsive = true;
        reportUnresponsiveCypherServer();
        // Stuck while replaying a cell above: that cell is what took too long, not this one.
        reject(
          replaying?.cellId
            ? cellAboveFailure(replaying.cellId, replaying.where, null, timeoutMs)
            : new CellFailure(timeoutOutput(timeoutMs)),
        );
      }, timeoutMs + 2_000);
    });
    const running = work();
    // If the guard wins, the abandoned run may still fail later: never leave that rejection unhandled.
    running.catch(() => {});
    return await Promise.race([running, guard]);
  } catch (e) {
    if (e instanceof CellFailure) return finish(false, [e.output], e.marker ? [e.marker] : []);
    const failure = errorFor(e, null, timeoutMs, null);
    return finish(false, [failure.output]);
  } finally {
    if (timer) clearTimeout(timer);
    // Always roll back: the learner's writes never reach the shared graph. (Never committed, so
    // they are invisible to everyone else even before the rollback arrives.) A server that
    // stopped answering gets the rollback in the background so the learner is not kept waiting.
    const release = async (): Promise<void> => {
      if (tx?.isOpen()) await tx.rollback().catch(() => {});
      await session.close().catch(() => {});
    };
    if (serverUnresponsive) void release();
    else await release();
  }
}

/** Beyond this many nodes the extra query and the drawing are not worth it. */
const CONNECT_MAX_NODES = 300;

/**
 * Like Neo4j Browser, draw the relationships between the returned nodes even when the query
 * returned only nodes (`RETURN p, m`). Runs in the same transaction; best effort.
 */
async function connectGraph(tx: Tx, outputs: CellOutput[]): Promise<CellOutput[]> {
  const graph = outputs.find(
    (o): o is Extract<CellOutput, { type: "graph" }> => o.type === "graph",
  );
  if (!graph || graph.nodes.length < 2 || graph.nodes.length > CONNECT_MAX_NODES) return outputs;
  try {
    const ids = graph.nodes.map((n) => neo4j.int(n.id));
    const found = await collect(
      tx,
      "MATCH (a)-[r]->(b) WHERE id(a) IN $ids AND id(b) IN $ids RETURN r",
      { ids },
      2_000,
    );
    const known = new Set(graph.relationships.map((r) => r.id));
    const extra = collectGraphRelationships(found.rows).filter((r) => !known.has(r.id));
    if (extra.length === 0) return outputs;
    return outputs.map((o) =>
      o === graph ? { ...graph, relationships: [...graph.relationships, ...extra] } : o,
    );
  } catch {
    return outputs;
  }
}

/** A malformed `:param` line: an error at its line, underlined in the editor. */
function malformedParam(error: ParamError): {
  output: Extract<CellOutput, { type: "error" }>;
  marker: CodeMarker;
} {
  return {
    output: {
      type: "error",
      name: "ParamSyntaxError",
      message: error.message,
      line: error.line,
      column: error.column,
    },
    marker: { line: error.line, column: error.column, message: error.message },
  };
}

/** A server that is restarting refuses connections for a moment; try BEGIN a few times before giving up. */
async function beginWithRetry(session: Session, timeoutMs: number): Promise<Transaction> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await session.beginTransaction({ timeout: timeoutMs });
    } catch (e) {
      const retriable =
        e instanceof neo4j.Neo4jError &&
        (e.code === "ServiceUnavailable" || e.code === "SessionExpired");
      if (!retriable || attempt >= 4) throw e;
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
    }
  }
}

function timeoutOutput(timeoutMs: number): CellOutput {
  return {
    type: "error",
    name: "Timeout",
    message: `The query took longer than ${timeoutMs / 1000} s and was stopped.`,
  };
}

/**
 * Besides `$rows`, `$columns` and `$total`, a check sees `$params` (the exercise's `:param`
 * values, a map) and `$plan` (under EXPLAIN/PROFILE its operators root first, each
 * `{operator, details, rows, dbHits}`; else an empty list).
 */
async function runCheck(
  tx: Tx,
  check: string,
  exercise: CollectedStatement | null,
  timeoutMs: number,
  finish: (ok: boolean, outputs: CellOutput[], markers?: CodeMarker[]) => CypherCellResult,
  cellParams: ReadonlyMap<string, CypherValue>,
): Promise<CypherCellResult> {
  const params = checkParameters(exercise?.columns ?? [], exercise?.rows ?? []);
  const plan = exercise?.plan ? planOperatorsInOrder(exercise.plan.root) : [];
  const driverParams = {
    rows: toDriverValue(params.rows),
    columns: toDriverValue(params.columns),
    total: neo4j.int(exercise?.totalRows ?? 0),
    params: toDriverValue(makeMap(cellParams)),
    plan: plan.map((op) =>
      toDriverValue(
        makeMap({
          operator: op.operator,
          details: op.details ?? null,
          rows: op.rows === undefined ? null : BigInt(op.rows),
          dbHits: op.dbHits === undefined ? null : BigInt(op.dbHits),
        }),
      ),
    ),
  };
  const statements = splitStatements(check);
  let result: CollectedResult | null = null;
  for (const s of statements) {
    try {
      result = await collect(tx, s.text, driverParams, 100);
    } catch (e) {
      // The check query is the lesson's and hidden: no position in it is the learner's.
      const info = describeDriverError(e);
      return finish(false, [
        {
          type: "error",
          name: info.timedOut ? "Timeout" : "CheckError",
          message: info.timedOut
            ? `The check took longer than ${timeoutMs / 1000} s on your result and was stopped.`
            : `The lesson's check could not run on your result: ${info.message}`,
        },
      ]);
    }
  }
  const verdict = evaluateCheckRows(result?.columns ?? [], result?.rows ?? []);
  return finish(verdict.passed, [
    verdict.passed
      ? { type: "success", message: verdict.message }
      : { type: "error", name: "CheckFailed", message: verdict.message },
  ]);
}
