import type {
  Clause,
  Expr,
  PatternPart,
  Projection,
  Query,
  SetItem,
  RemoveItem,
  SingleQuery,
} from "./ast";
import type { Graph } from "./graph";
import type { ProcedureRegistry } from "./procedures";
import type { QueryStats } from "./database";
import type { CypherValue, NodeValue, RelationshipValue } from "./values";
import { isMap, isNode, isRelationship, isPath, typeName } from "./values";
import { equalValues, orderValues } from "./compare";
import { CypherError } from "./errors";
import { evaluate, walkExpr, isAggregateCall, type EvalCtx, type Row } from "./eval";
import { matchPatterns, buildPath } from "./match";
import { computeAggregate } from "./aggregate";
import { valueKey } from "./value-key";
import { applySchemaCommand, checkConstraints, showRows } from "./schema";
import type { Profiler } from "./plan";

export interface Runtime {
  graph: Graph;
  procedures: ProcedureRegistry;
  params: ReadonlyMap<string, CypherValue>;
  stats: QueryStats;
  deadline?: number;
  now: number;
  /** entities the statement created or changed, checked against constraints when it ends */
  touchedNodes?: Set<bigint>;
  touchedRels?: Set<bigint>;
  /** PROFILE: per-operator counts */
  prof?: Profiler;
}

/** Runs a top-level statement: the query, then the constraint check of what it wrote. */
export function runStatement(q: Query, rt: Runtime, ctx: EvalCtx): Result {
  rt.touchedNodes = new Set();
  rt.touchedRels = new Set();
  const res = runQuery(q, rt, ctx);
  checkConstraints(rt.graph, rt.graph.schema, rt.touchedNodes, rt.touchedRels);
  return res;
}

function touch(rt: Runtime, e: NodeValue | RelationshipValue): void {
  (e.kind === "node" ? rt.touchedNodes : rt.touchedRels)?.add(e.id);
}

export interface Result {
  columns: string[];
  rows: Row[];
  /** per output row: the projected values over the input row's variables (WITH … WHERE reads these) */
  scopeRows?: Row[];
}

export function makeEvalCtx(rt: Runtime): EvalCtx {
  let ticks = 0;
  const ctx: EvalCtx = {
    graph: rt.graph,
    params: rt.params,
    now: rt.now,
    prof: rt.prof,
    matchPattern: (patterns, row, where) => matchPatterns(patterns, row, ctx, where),
    runSubquery: (q, row) => runQuery(q, rt, ctx, [row]).rows,
    tick: () => {
      if (rt.deadline !== undefined && ++ticks % 512 === 0 && Date.now() > rt.deadline)
        throw new CypherError(
          "TransientError",
          "runtime",
          "Timeout",
          `The query took longer than ${Math.max(0, Math.round(rt.deadline - rt.now))} ms and was stopped`,
        );
    },
  };
  return ctx;
}

/**
 * Checks made before any row flows (Neo4j reports them at compile time): parameters are supplied,
 * called procedures exist, take the given number of arguments, and implicit arguments are present.
 */
export function precheck(q: Query, rt: Runtime): void {
  for (const name of q.paramNames ?? [])
    if (!rt.params.has(name))
      throw new CypherError(
        "ParameterMissing",
        "compile time",
        "MissingParameter",
        `Expected parameter: $${name}`,
      );
  const visit = (query: Query): void => {
    for (const part of query.parts)
      for (const c of part.clauses) {
        if (c.t === "subquery") visit(c.query);
        if (c.t !== "call") continue;
        const proc = rt.procedures.get(c.name);
        if (!proc)
          throw new CypherError(
            "ProcedureError",
            "compile time",
            "ProcedureNotFound",
            `There is no procedure with the name \`${c.name}\` registered`,
          );
        if (c.args && c.args.length !== proc.inputs.length)
          throw new CypherError(
            "SyntaxError",
            "compile time",
            "InvalidNumberOfArguments",
            `Procedure ${c.name} takes ${proc.inputs.length} argument(s), ${c.args.length} given`,
          );
        for (const y of c.yields ?? [])
          if (!proc.outputs.some((o) => o.name === y.name))
            throw new CypherError(
              "SyntaxError",
              "compile time",
              "UndefinedVariable",
              `Unknown procedure output: \`${y.name}\``,
            );
        if (!c.args)
          for (const i of proc.inputs)
            if (!rt.params.has(i.name))
              throw new CypherError(
                "ParameterMissing",
                "compile time",
                "MissingParameter",
                `Expected parameter: $${i.name}`,
              );
      }
  };
  visit(q);
}

function runQuery(q: Query, rt: Runtime, ctx: EvalCtx, input: Row[] = [new Map()]): Result {
  const first = runSingle(q.parts[0]!, rt, ctx, input);
  if (q.parts.length === 1) return first;
  const rows = [...first.rows];
  let distinct = false;
  q.parts.slice(1).forEach((p, i) => {
    const r = runSingle(p, rt, ctx, input);
    rows.push(...r.rows);
    if (!q.unionAll[i]) distinct = true;
  });
  if (!distinct) return { columns: first.columns, rows };
  const seen = new Set<string>();
  return {
    columns: first.columns,
    rows: rows.filter((r) => {
      const k = first.columns.map((c) => valueKey(r.get(c) ?? null)).join("|");
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  };
}

function runSingle(q: SingleQuery, rt: Runtime, ctx: EvalCtx, input: Row[]): Result {
  let rows = input;
  for (const c of q.clauses) {
    ctx.prof?.clauseStart(c);
    if (c.t === "return") {
      const res = project(c, rows, ctx, true);
      ctx.prof?.clauseEnd(c, res.rows.length);
      return res;
    }
    rows = runClause(c, rows, rt, ctx);
    ctx.prof?.clauseEnd(c, rows.length);
  }
  const last = q.clauses[q.clauses.length - 1]!;
  if (last.t === "call" && q.clauses.length === 1) {
    // standalone CALL: its yielded columns are the result
    const proc = rt.procedures.get(last.name);
    const cols = last.yields
      ? last.yields.map((y) => y.alias)
      : (proc?.outputs.map((o) => o.name) ?? []);
    return { columns: cols, rows };
  }
  // no RETURN: the rows still matter to EXISTS { … } and CALL { … } (the top level reports no rows)
  return { columns: [], rows };
}

function runClause(c: Clause, rows: Row[], rt: Runtime, ctx: EvalCtx): Row[] {
  switch (c.t) {
    case "match": {
      const out: Row[] = [];
      const newVars = c.optional ? patternVars(c.patterns) : [];
      for (const row of rows) {
        const m = matchPatterns(c.patterns, row, ctx, c.where);
        if (m.length > 0) out.push(...m);
        else if (c.optional) {
          const r = new Map(row);
          for (const v of newVars) if (!r.has(v)) r.set(v, null);
          out.push(r);
        }
      }
      return out;
    }
    case "unwind": {
      const out: Row[] = [];
      for (const row of rows) {
        const v = evaluate(c.expr, row, ctx);
        const list = v === null ? [] : Array.isArray(v) ? v : [v];
        for (const x of list) {
          ctx.tick();
          const r = new Map(row);
          r.set(c.v, x);
          out.push(r);
        }
      }
      return out;
    }
    case "with": {
      const res = project(c, rows, ctx, false);
      if (!c.where) return res.rows;
      // WHERE after WITH may also read variables from before the projection (when not aggregating)
      return res.rows.filter((r, i) => evaluate(c.where!, res.scopeRows?.[i] ?? r, ctx) === true);
    }
    case "create":
      return rows.map((row) => {
        ctx.tick();
        let r = row;
        for (const p of c.patterns) r = createPattern(p, r, rt, ctx);
        return r;
      });
    case "merge":
      return rows.flatMap((row) => {
        ctx.tick();
        return mergePattern(c, row, rt, ctx);
      });
    case "set":
      for (const row of rows) {
        ctx.tick();
        for (const it of c.items) applySet(it, row, rt, ctx);
      }
      return rows;
    case "remove":
      for (const row of rows) {
        ctx.tick();
        for (const it of c.items) applyRemove(it, row, rt, ctx);
      }
      return rows;
    case "delete": {
      const targets: CypherValue[] = [];
      for (const row of rows) {
        ctx.tick();
        for (const e of c.exprs) targets.push(evaluate(e, row, ctx));
      }
      deleteAll(targets, c.detach, rt, ctx);
      return rows;
    }
    case "call":
      return callProcedure(c, rows, rt, ctx);
    case "foreach":
      for (const row of rows) {
        const v = evaluate(c.list, row, ctx);
        const list = v === null ? [] : Array.isArray(v) ? v : [v];
        for (const x of list) {
          ctx.tick();
          let inner: Row[] = [new Map([...row, [c.v, x]])];
          for (const b of c.body) inner = runClause(b, inner, rt, ctx);
        }
      }
      return rows;
    case "subquery": {
      const out: Row[] = [];
      const returned = subqueryColumns(c.query);
      for (const row of rows) {
        // CALL (a, b) { … } sees only what it imports; CALL { WITH a … } imports through its WITH
        const input =
          c.scope && !c.scopeAll
            ? new Map(c.scope.map((v): [string, CypherValue] => [v, row.get(v) ?? null]))
            : row;
        const inner = runQuery(c.query, rt, ctx, [input]).rows;
        // a unit subquery (no RETURN) keeps each outer row once, whatever it matched
        if (returned.length === 0) {
          out.push(row);
          continue;
        }
        if (inner.length === 0 && c.optional)
          out.push(new Map([...row, ...returned.map((col): [string, CypherValue] => [col, null])]));
        for (const r of inner) {
          const merged = new Map(row);
          for (const col of returned) merged.set(col, r.get(col) ?? null);
          out.push(merged);
        }
      }
      return out;
    }
    case "schema": {
      const cmd = c.command;
      if (cmd.kind === "show")
        return rows.flatMap((row) =>
          showRows(rt.graph.schema, cmd.what, cmd.filter).map((r) => new Map([...row, ...r])),
        );
      rt.graph.setSchema(applySchemaCommand(rt.graph.schema, cmd, rt.graph));
      return rows;
    }
    case "return":
      return project(c, rows, ctx, true).rows;
  }
}

/** Columns a subquery returns (none for a unit subquery). */
function subqueryColumns(q: Query): string[] {
  const last = q.parts[0]!.clauses[q.parts[0]!.clauses.length - 1]!;
  if (last.t !== "return") return [];
  const star = (last as { starVars?: string[] }).starVars ?? [];
  return [...star, ...last.items.map((i) => i.alias)];
}

function patternVars(patterns: PatternPart[]): string[] {
  const vs: string[] = [];
  for (const p of patterns) {
    if (p.v) vs.push(p.v);
    for (const n of p.nodes) if (n.v) vs.push(n.v);
    for (const r of p.rels) if (r.v) vs.push(r.v);
    for (const r of p.rels) if (r.qpp) vs.push(...r.qpp.vars);
  }
  return vs;
}

// ---------------------------------------------------------------- projection

function nonNegativeInt(e: Expr, ctx: EvalCtx, what: string): number {
  const v = evaluate(e, new Map(), ctx);
  if (typeof v !== "bigint")
    throw new CypherError(
      "SyntaxError",
      "runtime",
      "InvalidArgumentType",
      `${what} must be a non-negative integer, got ${typeName(v)}`,
    );
  if (v < 0n)
    throw new CypherError(
      "SyntaxError",
      "runtime",
      "NegativeIntegerArgument",
      `${what} must be a non-negative integer`,
    );
  return Number(v);
}

function collectAggregates(e: Expr, out: Extract<Expr, { t: "call" }>[]): void {
  walkExpr(e, (x) => {
    if (isAggregateCall(x) && x.t === "call") {
      out.push(x);
      return false;
    }
    return !(x.t === "listComp" || x.t === "quant" || x.t === "reduce") || true;
  });
}

function exprEquals(a: Expr, b: Expr): boolean {
  return (
    JSON.stringify(a, (k, v: unknown) =>
      k === "pos" ? undefined : typeof v === "bigint" ? v.toString() + "n" : v,
    ) ===
    JSON.stringify(b, (k, v: unknown) =>
      k === "pos" ? undefined : typeof v === "bigint" ? v.toString() + "n" : v,
    )
  );
}

function project(p: Projection, rows: Row[], ctx: EvalCtx, isReturn: boolean): Result {
  const items = [...p.items];
  if (p.star) {
    const known = (p as Projection & { starVars?: string[] }).starVars;
    const names = new Set<string>(known ?? []);
    if (!known)
      for (const r of rows) for (const k of r.keys()) if (!k.startsWith("  ")) names.add(k);
    const starItems = [...names].sort().filter((n) => !items.some((i) => i.alias === n));
    items.unshift(
      ...starItems.map((n) => ({
        expr: { t: "var" as const, name: n, pos: 0 },
        alias: n,
        explicit: false,
        pos: 0,
      })),
    );
  }
  const columns = items.map((i) => i.alias);
  const aggCalls: Extract<Expr, { t: "call" }>[] = [];
  for (const it of items) collectAggregates(it.expr, aggCalls);
  const aggregating = aggCalls.length > 0;
  // ORDER BY items that repeat a projected expression read the projected value
  const orderExprs = (p.order ?? []).map((o) => {
    const same = items.find((it) => exprEquals(it.expr, o.expr));
    return same ? ({ t: "var", name: same.alias, pos: 0 } as Expr) : o.expr;
  });
  if (aggregating) for (const e of orderExprs) collectAggregates(e, aggCalls);

  type Out = { row: Row; sortRow: Row };
  let out: Out[] = [];
  if (!aggregating) {
    for (const r of rows) {
      ctx.tick();
      const nr: Row = new Map();
      for (const it of items) nr.set(it.alias, evaluate(it.expr, r, ctx));
      const sortRow = new Map([...r, ...nr]);
      out.push({ row: nr, sortRow });
    }
  } else {
    const keyItems = items.filter((it) => !containsAgg(it.expr));
    const groups = new Map<string, { rows: Row[]; keyVals: CypherValue[] }>();
    for (const r of rows) {
      ctx.tick();
      const keyVals = keyItems.map((it) => evaluate(it.expr, r, ctx));
      const k = keyVals.map(valueKey).join("|");
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { rows: [], keyVals }));
      g.rows.push(r);
    }
    if (groups.size === 0 && keyItems.length === 0) groups.set("", { rows: [], keyVals: [] });
    for (const g of groups.values()) {
      const aggs = new Map<Expr, CypherValue>();
      for (const call of aggCalls) aggs.set(call, computeAggregate(call, g.rows, ctx));
      const gctx: EvalCtx = { ...ctx, aggs };
      const nr: Row = new Map();
      const base = g.rows[0] ?? new Map<string, CypherValue>();
      items.forEach((it) => {
        const ki = keyItems.indexOf(it);
        nr.set(it.alias, ki >= 0 ? g.keyVals[ki]! : evaluate(it.expr, base, gctx));
      });
      const sortRow = new Map([...base, ...nr]);
      out.push({ row: nr, sortRow });
      if (p.order)
        for (const o of out.slice(-1)) (o as Out & { aggs?: Map<Expr, CypherValue> }).aggs = aggs;
    }
  }
  if (p.distinct) {
    const seen = new Set<string>();
    out = out.filter((o) => {
      const k = columns.map((c) => valueKey(o.row.get(c) ?? null)).join("|");
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  if (p.order) {
    const keyed = out.map((o) => {
      const actx: EvalCtx = (o as Out & { aggs?: Map<Expr, CypherValue> }).aggs
        ? { ...ctx, aggs: (o as Out & { aggs?: Map<Expr, CypherValue> }).aggs }
        : ctx;
      const sr = p.distinct || aggregating ? new Map([...o.row]) : o.sortRow;
      if (p.distinct || aggregating) for (const [k, v] of o.sortRow) if (!sr.has(k)) sr.set(k, v);
      return { o, keys: orderExprs.map((e) => evaluate(e, sr, actx)) };
    });
    keyed.sort((a, b) => {
      ctx.tick();
      for (let i = 0; i < orderExprs.length; i++) {
        const c = orderValues(a.keys[i]!, b.keys[i]!);
        if (c !== 0) return p.order![i]!.desc ? -c : c;
      }
      return 0;
    });
    out = keyed.map((k) => k.o);
  }
  let start = 0;
  if (p.skip) start = nonNegativeInt(p.skip, ctx, "SKIP");
  let end = out.length;
  if (p.limit) end = Math.min(out.length, start + nonNegativeInt(p.limit, ctx, "LIMIT"));
  out = out.slice(start, Math.max(start, end));
  void isReturn;
  const merged = !aggregating && !p.distinct;
  return {
    columns,
    rows: out.map((o) => o.row),
    scopeRows: merged ? out.map((o) => o.sortRow) : undefined,
  };
}

function containsAgg(e: Expr): boolean {
  const found: Extract<Expr, { t: "call" }>[] = [];
  collectAggregates(e, found);
  return found.length > 0;
}

// ---------------------------------------------------------------- writes

function checkPropertyValue(v: CypherValue): void {
  if (v === null) return;
  if (Array.isArray(v)) {
    for (const x of v) {
      if (
        x === null ||
        Array.isArray(x) ||
        (typeof x === "object" &&
          x !== null &&
          (x.kind === "map" || x.kind === "node" || x.kind === "relationship" || x.kind === "path"))
      )
        throw new CypherError(
          "TypeError",
          "runtime",
          "InvalidPropertyType",
          `Property values can only be of primitive types or arrays thereof`,
        );
    }
    return;
  }
  if (
    typeof v === "object" &&
    (v.kind === "map" || v.kind === "node" || v.kind === "relationship" || v.kind === "path")
  )
    throw new CypherError(
      "TypeError",
      "runtime",
      "InvalidPropertyType",
      `Property values can only be of primitive types or arrays thereof`,
    );
}

function propsFromExpr(e: Expr | undefined, row: Row, ctx: EvalCtx): Map<string, CypherValue> {
  const m = new Map<string, CypherValue>();
  if (!e) return m;
  const v = evaluate(e, row, ctx);
  if (v === null) return m;
  if (!isMap(v))
    throw new CypherError(
      "TypeError",
      "runtime",
      "InvalidArgumentType",
      "Properties must be a map",
    );
  for (const [k, x] of v.entries) {
    checkPropertyValue(x);
    if (x !== null) m.set(k, x);
  }
  return m;
}

function createPattern(p: PatternPart, row: Row, rt: Runtime, ctx: EvalCtx): Row {
  const r = new Map(row);
  const nodes: NodeValue[] = [];
  for (const np of p.nodes) {
    const bound = np.v !== undefined ? r.get(np.v) : undefined;
    if (bound !== undefined) {
      if (bound === null || !isNode(bound))
        throw new CypherError(
          "SemanticError",
          "runtime",
          "CreateOnNull",
          `Cannot create a relationship to a null node`,
        );
      nodes.push(bound);
      continue;
    }
    const props = propsFromExpr(np.props, r, ctx);
    const n = rt.graph.createNode(np.labels, props);
    touch(rt, n);
    rt.stats.nodesCreated++;
    rt.stats.labelsAdded += n.labels.length;
    rt.stats.propertiesSet += props.size;
    if (np.v !== undefined) r.set(np.v, n);
    nodes.push(n);
  }
  const rels: RelationshipValue[] = [];
  p.rels.forEach((rp, i) => {
    const a = nodes[i]!;
    const b = nodes[i + 1]!;
    const props = propsFromExpr(rp.props, r, ctx);
    const [s, e] = rp.dir === "in" ? [b, a] : [a, b];
    const rel = rt.graph.createRel(rp.types[0]!, s.id, e.id, props);
    touch(rt, rel);
    rt.stats.relationshipsCreated++;
    rt.stats.propertiesSet += props.size;
    if (rp.v !== undefined) r.set(rp.v, rel);
    rels.push(rel);
  });
  if (p.v !== undefined) r.set(p.v, buildPath(nodes, rels, ctx));
  return r;
}

function mergePattern(
  c: Extract<Clause, { t: "merge" }>,
  row: Row,
  rt: Runtime,
  ctx: EvalCtx,
): Row[] {
  // null property values can never match nor be created
  for (const part of [c.pattern])
    for (const el of [...part.nodes, ...part.rels])
      if (el.props) {
        const v = evaluate(el.props, row, ctx);
        if (isMap(v))
          for (const [k, x] of v.entries)
            if (x === null)
              throw new CypherError(
                "SemanticError",
                "runtime",
                "MergeReadOwnWrites",
                `Cannot merge the following node because of null property value for '${k}'`,
              );
      }
  const matched = matchPatterns([c.pattern], row, ctx);
  if (matched.length > 0) {
    for (const m of matched) for (const it of c.onMatch) applySet(it, m, rt, ctx);
    return matched;
  }
  const created = createPattern(c.pattern, row, rt, ctx);
  for (const it of c.onCreate) applySet(it, created, rt, ctx);
  return [created];
}

function currentEntity(rt: Runtime, v: CypherValue): NodeValue | RelationshipValue | null {
  if (v === null) return null;
  if (isNode(v)) return rt.graph.nodes.get(v.id) ?? null;
  if (isRelationship(v)) return rt.graph.rels.get(v.id) ?? null;
  throw new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentType",
    `Type mismatch: expected a node or relationship but was ${typeName(v)}`,
  );
}

function setProp(
  rt: Runtime,
  ent: NodeValue | RelationshipValue,
  key: string,
  v: CypherValue,
): void {
  checkPropertyValue(v);
  touch(rt, ent);
  if (rt.graph.setProperty(ent, key, v)) rt.stats.propertiesSet++;
}

function mapOfValue(v: CypherValue, rt: Runtime): Map<string, CypherValue> {
  if (isMap(v)) return new Map(v.entries);
  if (isNode(v) || isRelationship(v)) return new Map((currentEntity(rt, v) ?? v).properties);
  throw new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentType",
    `Type mismatch: expected a map but was ${typeName(v)}`,
  );
}

function applySet(it: SetItem, row: Row, rt: Runtime, ctx: EvalCtx): void {
  switch (it.kind) {
    case "prop": {
      const target = evaluate(it.target, row, ctx);
      const ent = currentEntity(rt, target);
      const v = evaluate(it.value, row, ctx);
      if (!ent) return;
      if (rt.graph.deleted.has(ent))
        throw new CypherError(
          "EntityNotFound",
          "runtime",
          "DeletedEntityAccess",
          "Entity has been deleted",
        );
      setProp(rt, ent, it.key, v);
      return;
    }
    case "replace":
    case "merge": {
      const ent = currentEntity(rt, row.get(it.v) ?? null);
      const v = evaluate(it.value, row, ctx);
      if (!ent) return;
      if (v === null) {
        if (it.kind === "replace")
          for (const k of [...ent.properties.keys()]) setProp(rt, ent, k, null);
        return;
      }
      const m = mapOfValue(v, rt);
      if (it.kind === "replace")
        for (const k of [...ent.properties.keys()]) if (!m.has(k)) setProp(rt, ent, k, null);
      for (const [k, x] of m) setProp(rt, ent, k, x);
      return;
    }
    case "labels": {
      const v = row.get(it.v) ?? null;
      const ent = currentEntity(rt, v);
      if (!ent) return;
      if (!isNode(ent))
        throw new CypherError(
          "TypeError",
          "runtime",
          "InvalidArgumentType",
          "Labels can only be set on nodes",
        );
      touch(rt, ent);
      for (const l of it.labels) if (rt.graph.addLabel(ent, l)) rt.stats.labelsAdded++;
      return;
    }
  }
}

function applyRemove(it: RemoveItem, row: Row, rt: Runtime, ctx: EvalCtx): void {
  if (it.kind === "prop") {
    const ent = currentEntity(rt, evaluate(it.target, row, ctx));
    if (ent && ent.properties.has(it.key)) setProp(rt, ent, it.key, null);
    return;
  }
  const ent = currentEntity(rt, row.get(it.v) ?? null);
  if (!ent || !isNode(ent)) return;
  for (const l of it.labels) if (rt.graph.removeLabel(ent, l)) rt.stats.labelsRemoved++;
}

function deleteAll(targets: CypherValue[], detach: boolean, rt: Runtime, ctx: EvalCtx): void {
  const nodes: NodeValue[] = [];
  const rels: RelationshipValue[] = [];
  const collect = (v: CypherValue): void => {
    if (v === null) return;
    if (isNode(v)) nodes.push(v);
    else if (isRelationship(v)) rels.push(v);
    else if (isPath(v)) {
      nodes.push(...v.nodes);
      rels.push(...v.relationships);
    } else if (Array.isArray(v)) v.forEach(collect);
    else
      throw new CypherError(
        "TypeError",
        "runtime",
        "InvalidArgumentType",
        `Type mismatch: expected a node, relationship or path but was ${typeName(v)}`,
      );
  };
  targets.forEach(collect);
  for (const r of rels) {
    ctx.tick();
    const cur = rt.graph.rels.get(r.id);
    if (cur && rt.graph.deleteRel(cur)) rt.stats.relationshipsDeleted++;
  }
  for (const n of nodes) {
    ctx.tick();
    const cur = rt.graph.nodes.get(n.id);
    if (!cur) continue;
    if (detach) {
      for (const r of [...rt.graph.outgoing(cur.id), ...rt.graph.incoming(cur.id)])
        if (rt.graph.deleteRel(r)) rt.stats.relationshipsDeleted++;
    } else if (rt.graph.degree(cur.id) > 0)
      throw new CypherError(
        "ConstraintVerificationFailed",
        "runtime",
        "DeleteConnectedNode",
        `Cannot delete node<${cur.id}>, because it still has relationships. To delete this node, you must first delete its relationships.`,
      );
    if (rt.graph.deleteNode(cur)) rt.stats.nodesDeleted++;
  }
}

// ---------------------------------------------------------------- procedures

function callProcedure(
  c: Extract<Clause, { t: "call" }>,
  rows: Row[],
  rt: Runtime,
  ctx: EvalCtx,
): Row[] {
  const proc = rt.procedures.get(c.name);
  if (!proc)
    throw new CypherError(
      "ProcedureError",
      "compile time",
      "ProcedureNotFound",
      `There is no procedure with the name \`${c.name}\` registered`,
    );
  const out: Row[] = [];
  for (const row of rows) {
    let args: CypherValue[];
    if (c.args) {
      if (c.args.length !== proc.inputs.length)
        throw new CypherError(
          "SyntaxError",
          "compile time",
          "InvalidNumberOfArguments",
          `Procedure call does not provide the required number of arguments`,
        );
      args = c.args.map((a) => evaluate(a, row, ctx));
    } else {
      args = proc.inputs.map((i) => {
        const v = rt.params.get(i.name);
        if (v === undefined)
          throw new CypherError(
            "ParameterMissing",
            "runtime",
            "MissingParameter",
            `Expected parameter: $${i.name}`,
          );
        return v;
      });
    }
    proc.inputs.forEach((inp, i) => {
      const a = args[i]!;
      const t = inp.type.replace("?", "");
      const ok =
        a === null ||
        t === "ANY" ||
        (t === "INTEGER" && typeof a === "bigint") ||
        (t === "FLOAT" && (typeof a === "number" || typeof a === "bigint")) ||
        (t === "NUMBER" && (typeof a === "number" || typeof a === "bigint")) ||
        (t === "STRING" && typeof a === "string") ||
        (t === "BOOLEAN" && typeof a === "boolean") ||
        (t.startsWith("LIST") && Array.isArray(a)) ||
        (t === "MAP" && isMap(a)) ||
        (t === "NODE" && isNode(a));
      if (!ok)
        throw new CypherError(
          "SyntaxError",
          "compile time",
          "InvalidArgumentType",
          `Type mismatch for procedure argument ${inp.name}`,
        );
    });
    for (const tr of proc.rows) {
      const match = proc.inputs.every((inp, i) => {
        const ci = proc.columns.indexOf(inp.name);
        const a = args[i]!;
        const cv = tr[ci] ?? null;
        if (a === null || cv === null) return a === cv;
        return (
          equalValues(typeof a === "bigint" && inp.type.startsWith("FLOAT") ? Number(a) : a, cv) ===
          true
        );
      });
      if (!match) continue;
      const r = new Map(row);
      if (c.yields) {
        for (const y of c.yields) {
          const ci = proc.columns.indexOf(y.name);
          if (ci < 0 || !proc.outputs.some((o) => o.name === y.name))
            throw new CypherError(
              "SyntaxError",
              "compile time",
              "UndefinedVariable",
              `Unknown procedure output: \`${y.name}\``,
            );
          r.set(y.alias, tr[ci] ?? null);
        }
      } else for (const o of proc.outputs) r.set(o.name, tr[proc.columns.indexOf(o.name)] ?? null);
      if (c.where && evaluate(c.where, r, ctx) !== true) continue;
      out.push(r);
    }
    // procedures without outputs (VOID or `:: ()`) leave the incoming rows untouched
    if (proc.outputs.length === 0 && !proc.rows.some((r) => r.length > 0)) out.push(row);
  }
  return out;
}
