/**
 * An engine worker: holds a replica of the committed graph and runs one transaction at a time on
 * it, in place with an undo journal (a transaction costs what it touches). Commits of other
 * workers arrive as deltas and are applied between transactions, so an open transaction keeps its
 * snapshot. The main thread decides whether a prepared write may commit (first committer wins).
 */
import { readlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { executePrepared, prepareQuery } from "../engine";
import { Graph, type GraphDelta } from "../graph";
import { ProcedureRegistry } from "../procedures";
import { CypherError } from "../errors";
import { resultTooLargeError } from "../tx-errors";
import type { QueryResult } from "../database";
import type { CypherValue } from "../values";
import { CreateReplayCache } from "./create-replay";
import { errorToWire, type FromWorker, type ToWorker, type WorkerLimits } from "./engine-protocol";

const limits = (workerData as { limits: WorkerLimits }).limits;

const port = parentPort!;

let graph = new Graph();
let procedures = new ProcedureRegistry();
let version = 0;
const pending: { delta: GraphDelta; version: number }[] = [];
let tx: { startVersion: number; failed: boolean } | undefined;

/** What the lesson datasets' CREATEs made, to make again cheaply (see create-replay.ts). */
const createReplays = new CreateReplayCache();

function catchUp(): void {
  while (pending.length > 0) {
    const p = pending.shift()!;
    if (p.version <= version) continue;
    graph.applyDelta(p.delta);
    version = p.version;
  }
}

function begin(): void {
  catchUp();
  tx = { startVersion: version, failed: false };
  graph.beginJournal();
}

function endTx(commit: boolean): void {
  if (commit) graph.commitJournal();
  else graph.rollbackJournal();
  tx = undefined;
  catchUp();
}

/** Rough wire size, stopping as soon as it passes the cap. */
function checkResult(r: QueryResult): void {
  if (r.rows.length > limits.maxRows)
    throw resultTooLargeError(
      `The result has more than ${limits.maxRows} rows; add LIMIT or aggregate (count(), collect()).`,
    );
  let bytes = 0;
  const stack: unknown[] = [r.rows];
  while (stack.length > 0) {
    const v = stack.pop();
    bytes += 8;
    if (typeof v === "string") bytes += v.length;
    else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v && typeof v === "object") for (const x of Object.values(v)) stack.push(x);
    if (bytes > limits.maxResultBytes)
      throw resultTooLargeError(
        `The result is larger than ${Math.round(limits.maxResultBytes / 1e6)} MB; return fewer rows or smaller values.`,
      );
  }
}

/** The open transaction, if statements may still run in it. */
function usableTx(): { startVersion: number; failed: boolean } {
  if (!tx)
    throw new CypherError(
      "DatabaseError",
      "runtime",
      "TransactionClosed",
      "The transaction has been closed.",
    );
  if (tx.failed)
    throw new CypherError(
      "DatabaseError",
      "runtime",
      "TransactionFailed",
      "The transaction failed because of an earlier error; it can only be rolled back.",
    );
  return tx;
}

function run(query: string, params: Map<string, CypherValue>, deadline: number): QueryResult {
  const tx = usableTx();
  try {
    // prepareQuery keeps parsed queries by text (engine.ts): datasets and replayed cells repeat
    const prepared = prepareQuery(query);
    const before = { nextNodeId: graph.nextNodeId, nextRelId: graph.nextRelId };
    const firstWrite = !graph.hasChanges && params.size === 0;
    const replayed = firstWrite
      ? createReplays.replay(graph, tx.startVersion, prepared)
      : undefined;
    const result = replayed ?? executePrepared(prepared, { graph, procedures, deadline }, params);
    if (firstWrite && !replayed)
      createReplays.record(graph, tx.startVersion, before, prepared, result);
    checkResult(result);
    return result;
  } catch (e) {
    // a statement's partial writes cannot be undone alone: the whole transaction is doomed
    tx.failed = true;
    graph.rollbackJournal();
    throw e;
  }
}

function handle(m: ToWorker): FromWorker | undefined {
  switch (m.t) {
    case "load":
      graph = new Graph();
      graph.applyDelta(m.graph);
      procedures = new ProcedureRegistry();
      for (const p of m.procedures) procedures.add(p);
      version = m.version;
      createReplays.clear();
      pending.length = 0;
      tx = undefined;
      return undefined;
    case "delta":
      pending.push({ delta: m.delta, version: m.version });
      if (!tx) catchUp();
      return undefined;
    case "begin":
      begin();
      return { id: m.id, ok: true, startVersion: version };
    case "run": {
      if (m.auto) begin();
      try {
        const result = run(m.query, m.params, m.deadline);
        if (m.auto && !graph.hasChanges) {
          endTx(true);
          return { id: m.id, ok: true, result, startVersion: version };
        }
        return {
          id: m.id,
          ok: true,
          result,
          delta: m.auto ? graph.journalDelta() : undefined,
          startVersion: tx!.startVersion,
        };
      } catch (e) {
        if (m.auto) endTx(false);
        throw e;
      }
    }
    case "prepare": {
      const { startVersion } = usableTx();
      if (!graph.hasChanges) {
        endTx(true);
        return { id: m.id, ok: true, startVersion };
      }
      return { id: m.id, ok: true, delta: graph.journalDelta(), startVersion };
    }
    case "finalize":
      if (m.commit) version = m.version;
      endTx(m.commit);
      return { id: m.id, ok: true, startVersion: version };
    case "rollback":
      if (tx) endTx(false);
      return { id: m.id, ok: true, startVersion: version };
  }
}

port.on("message", (m: ToWorker) => {
  let reply: FromWorker | undefined;
  try {
    reply = handle(m);
  } catch (e) {
    reply = "id" in m ? { id: m.id, ok: false, error: errorToWire(e) } : undefined;
  }
  if (reply) port.postMessage(reply);
});
let tid: number | undefined;
try {
  // Linux: this thread's id, so the pool can lower the priority of a long-running query's thread
  tid = Number(readlinkSync("/proc/thread-self").split("/").pop()) || undefined;
} catch {
  tid = undefined;
}
port.postMessage({ ready: true, tid });
