import type { CypherValue } from "./values";
import type { Graph } from "./graph";
import type { ProcedureRegistry } from "./procedures";
import type { QueryResult } from "./database";
import { emptyStats } from "./database";
import type { Query } from "./ast";
import { parse } from "./parser";
import { analyze } from "./semantic";
import { makeEvalCtx, precheck, runStatement, type Runtime } from "./exec";
import { CypherError } from "./errors";
import { buildPlan, explainPlan } from "./plan";

export interface Prepared {
  text: string;
  query: Query;
  updating: boolean;
  /** columns are known at compile time */
  columns: string[];
}
export interface ExecContext {
  graph: Graph;
  procedures: ProcedureRegistry;
  deadline?: number;
}

const UPDATING = new Set(["create", "merge", "set", "remove", "delete"]);

function isUpdating(q: Query): boolean {
  return q.parts.some((p) =>
    p.clauses.some(
      (c) =>
        UPDATING.has(c.t) ||
        c.t === "foreach" ||
        (c.t === "subquery" && isUpdating(c.query)) ||
        (c.t === "schema" && c.command.kind !== "show"),
    ),
  );
}

/**
 * Parsed queries by text, like Neo4j's query cache: a lesson's dataset (one 29 KB CREATE) and
 * the cells replayed above a cell are the same text on every run, and parsing them was half
 * of a whole cell's time. Prepared queries are never mutated by execution, so one serves every
 * transaction. Least recently used first out; failures are not kept.
 */
const PREPARED_CACHE_ENTRIES = 256;
const PREPARED_CACHE_MAX_TEXT = 256 * 1024;
const preparedCache = new Map<string, Prepared>();

/** Parse and check a query (compile-time errors surface here), or take it from the cache. */
export function prepareQuery(text: string): Prepared {
  const cached = preparedCache.get(text);
  if (cached) {
    preparedCache.delete(text);
    preparedCache.set(text, cached);
    return cached;
  }
  const prepared = prepareUncached(text);
  if (text.length <= PREPARED_CACHE_MAX_TEXT) {
    preparedCache.set(text, prepared);
    if (preparedCache.size > PREPARED_CACHE_ENTRIES)
      preparedCache.delete(preparedCache.keys().next().value as string);
  }
  return prepared;
}

function prepareUncached(text: string): Prepared {
  let query: Query;
  let columns: string[];
  try {
    query = parse(text);
    columns = analyze(query, text);
  } catch (e) {
    // absurdly deep nesting must be a clear error, never a crash
    if (e instanceof RangeError)
      throw new CypherError(
        "SyntaxError",
        "compile time",
        "UnexpectedSyntax",
        "The query is too deeply nested to be parsed",
      );
    throw e;
  }
  return { text, query, updating: isUpdating(query), columns };
}

/** Copies entities out of the live graph so later writes cannot change returned results. */
function detach(v: CypherValue, g: Graph): CypherValue {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => detach(x, g));
  switch (v.kind) {
    case "node": {
      const cur = g.nodes.get(v.id) ?? v;
      return {
        kind: "node",
        id: v.id,
        labels: [...cur.labels],
        properties: new Map(cur.properties),
      };
    }
    case "relationship": {
      const cur = g.rels.get(v.id) ?? v;
      return { ...cur, properties: new Map(cur.properties) };
    }
    case "path":
      return {
        kind: "path",
        nodes: v.nodes.map((n) => detach(n, g) as typeof n),
        relationships: v.relationships.map((r) => detach(r, g) as typeof r),
      };
    case "map":
      return { kind: "map", entries: new Map([...v.entries].map(([k, x]) => [k, detach(x, g)])) };
    default:
      return v;
  }
}

export function executePrepared(
  p: Prepared,
  ctx: ExecContext,
  params: ReadonlyMap<string, CypherValue>,
): QueryResult {
  const rt: Runtime = {
    graph: ctx.graph,
    procedures: ctx.procedures,
    params,
    stats: emptyStats(),
    deadline: ctx.deadline,
    now: Date.now(),
  };
  if (p.query.mode === "explain")
    return {
      columns: p.columns,
      rows: [],
      stats: rt.stats,
      queryType: p.updating ? "w" : "r",
      plan: explainPlan(p.query, p.text, ctx.graph, p.columns),
      planKind: "explain",
    };
  const built =
    p.query.mode === "profile" ? buildPlan(p.query, p.text, ctx.graph, p.columns) : undefined;
  rt.prof = built?.profiler;
  precheck(p.query, rt);
  const ectx = makeEvalCtx(rt);
  let res;
  try {
    res = runStatement(p.query, rt, ectx);
  } catch (e) {
    if (e instanceof CypherError) throw e;
    if (e instanceof RangeError && /call stack|Invalid array length/i.test(e.message))
      throw new CypherError(
        "DatabaseError",
        "runtime",
        "ResourceExhausted",
        "The query ran out of resources: " + e.message,
      );
    // an engine bug must reach the user as an error message, never as a crash of the server
    throw new CypherError(
      "DatabaseError",
      "runtime",
      "InternalError",
      `Internal error: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const columns = res.columns;
  const rows =
    columns.length === 0
      ? []
      : res.rows.map((r) => columns.map((c) => detach(r.get(c) ?? null, ctx.graph)));
  const wrote = p.updating;
  const queryType = wrote ? (columns.length > 0 ? "rw" : "w") : "r";
  if (built) {
    built.finish(rows.length);
    return { columns, rows, stats: rt.stats, queryType, plan: built.root, planKind: "profile" };
  }
  return { columns, rows, stats: rt.stats, queryType };
}
