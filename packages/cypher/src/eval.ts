import type { Expr, LabelExpr, PatternPart, Query } from "./ast";
import { typeMatches } from "./type-predicate";
import type { Profiler } from "./plan";
import type { Graph } from "./graph";
import type { CypherValue, NodeValue, RelationshipValue, TemporalValue } from "./values";
import {
  isMap,
  isNode,
  isRelationship,
  isTemporal,
  makeMap,
  typeName,
  formatFloat,
} from "./values";
import { equalValues, compareValues } from "./compare";
import { CypherError } from "./errors";
import { numericOp, invalidArgs, checkInt } from "./arith";
import { callFunction } from "./functions";
import { temporalAdd, temporalProperty, durationMul } from "./temporal";

export type Row = Map<string, CypherValue>;

export interface EvalCtx {
  graph: Graph;
  params: ReadonlyMap<string, CypherValue>;
  /** Aggregate results for the current group, keyed by the aggregate call node. */
  aggs?: Map<Expr, CypherValue>;
  /** Statement clock (temporal functions read the same instant throughout a query). */
  now: number;
  matchPattern(patterns: PatternPart[], row: Row, where?: Expr): Row[];
  runSubquery(q: Query, row: Row): Row[];
  tick(): void;
  /** set while a PROFILE runs: counts database hits */
  prof?: Profiler;
}

export const AGGREGATES = new Set([
  "count",
  "sum",
  "avg",
  "min",
  "max",
  "collect",
  "stdev",
  "stdevp",
  "percentilecont",
  "percentiledisc",
]);

export function isAggregateCall(e: Expr): boolean {
  return e.t === "call" && AGGREGATES.has(e.name.toLowerCase());
}

/** Visit sub-expressions (not descending into subqueries); the visitor returns false to stop descending. */
export function walkExpr(e: Expr, f: (e: Expr) => boolean): void {
  if (!f(e)) return;
  const w = (x?: Expr): void => {
    if (x) walkExpr(x, f);
  };
  switch (e.t) {
    case "prop":
      w(e.obj);
      break;
    case "index":
      w(e.obj);
      w(e.idx);
      break;
    case "slice":
      w(e.obj);
      w(e.from);
      w(e.to);
      break;
    case "list":
      e.items.forEach(w);
      break;
    case "map":
      e.entries.forEach(([, x]) => w(x));
      break;
    case "mapProj":
      w(e.obj);
      e.items.forEach((i) => {
        if (i.kind === "lit") w(i.expr);
      });
      break;
    case "bin":
      w(e.l);
      w(e.r);
      break;
    case "not":
    case "neg":
    case "isnull":
    case "labels":
    case "typeIs":
      w(e.e);
      break;
    case "call":
      e.args.forEach(w);
      break;
    case "case":
      w(e.test);
      e.whens.forEach(([a, b]) => {
        w(a);
        w(b);
      });
      w(e.else);
      break;
    case "listComp":
      w(e.list);
      w(e.where);
      w(e.proj);
      break;
    case "quant":
      w(e.list);
      w(e.where);
      break;
    case "reduce":
      w(e.init);
      w(e.list);
      w(e.expr);
      break;
    case "patternComp":
      w(e.where);
      w(e.proj);
      break;
    default:
      break;
  }
}

function truthy(v: CypherValue, what: string): boolean | null {
  if (v === null) return null;
  if (typeof v === "boolean") return v;
  throw new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentType",
    `Type mismatch: expected Boolean but was ${typeName(v)} in ${what}`,
  );
}

function entityProperty(g: Graph, v: NodeValue | RelationshipValue, key: string): CypherValue {
  if (g.deleted.has(v))
    throw new CypherError(
      "EntityNotFound",
      "runtime",
      "DeletedEntityAccess",
      `The ${v.kind} with id ${v.id} has been deleted`,
    );
  const cur = v.kind === "node" ? (g.nodes.get(v.id) ?? v) : (g.rels.get(v.id) ?? v);
  return cur.properties.get(key) ?? null;
}

export function propertyOf(g: Graph, o: CypherValue, key: string): CypherValue {
  if (o === null) return null;
  if (isMap(o)) return o.entries.get(key) ?? null;
  if (isNode(o) || isRelationship(o)) return entityProperty(g, o, key);
  if (isTemporal(o)) return temporalProperty(o as TemporalValue, key);
  throw new CypherError(
    "TypeError",
    "runtime",
    "PropertyAccessOnNonMap",
    `Type mismatch: expected a map, node or relationship but was ${typeName(o)}`,
  );
}

function toIndex(v: CypherValue): bigint {
  if (typeof v === "bigint") return v;
  throw new CypherError(
    "TypeError",
    "runtime",
    "ListElementAccessByNonInteger",
    `Type mismatch: expected Integer but was ${typeName(v)}`,
  );
}

function regexMatch(s: string, pattern: string): boolean {
  let flags = "";
  let p = pattern;
  const m = /^\(\?([imsx]+)\)/.exec(p);
  if (m) {
    flags = m[1]!.replace("x", "");
    p = p.slice(m[0].length);
  }
  try {
    return new RegExp("^(?:" + p + ")$", flags + "u").test(s);
  } catch {
    try {
      return new RegExp("^(?:" + p + ")$", flags).test(s);
    } catch {
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "InvalidArgumentValue",
        `Invalid regular expression: ${pattern}`,
      );
    }
  }
}

function add(a: CypherValue, b: CypherValue): CypherValue {
  if (a === null || b === null) return null;
  if (Array.isArray(a)) return Array.isArray(b) ? [...a, ...b] : [...a, b];
  if (Array.isArray(b)) return [a, ...b];
  if (
    typeof a === "string" &&
    (typeof b === "string" || typeof b === "bigint" || typeof b === "number")
  )
    return a + (typeof b === "string" ? b : formatNumberForConcat(b));
  if (typeof b === "string" && (typeof a === "bigint" || typeof a === "number"))
    return formatNumberForConcat(a) + b;
  if (
    (typeof a === "bigint" || typeof a === "number") &&
    (typeof b === "bigint" || typeof b === "number")
  )
    return numericOp("+", a, b);
  if (isTemporal(a) && isTemporal(b)) return temporalAdd(a, b, 1);
  throw invalidArgs("+", a, b);
}

function formatNumberForConcat(n: bigint | number): string {
  return typeof n === "bigint" ? n.toString() : formatFloat(n);
}

function arith(op: string, a: CypherValue, b: CypherValue): CypherValue {
  if (a === null || b === null) return null;
  if (op === "+") return add(a, b);
  const an = typeof a === "bigint" || typeof a === "number";
  const bn = typeof b === "bigint" || typeof b === "number";
  if (an && bn) return numericOp(op, a, b);
  if (op === "-" && isTemporal(a) && isTemporal(b)) return temporalAdd(a, b, -1);
  if ((op === "*" || op === "/") && isTemporal(a) && a.kind === "duration" && bn)
    return durationMul(a, b, op);
  if (op === "*" && isTemporal(b) && b.kind === "duration" && an) return durationMul(b, a, op);
  throw invalidArgs(op, a, b);
}

function inList(x: CypherValue, list: CypherValue): CypherValue {
  if (list === null) return null;
  if (!Array.isArray(list)) throw invalidArgs("IN", x, list);
  let unknown = false;
  for (const e of list) {
    const r = equalValues(x, e);
    if (r === true) return true;
    if (r === null) unknown = true;
  }
  return unknown ? null : false;
}

function stringOp(op: string, a: CypherValue, b: CypherValue): CypherValue {
  if (typeof a !== "string" || typeof b !== "string") return null;
  if (op === "STARTS WITH") return a.startsWith(b);
  if (op === "ENDS WITH") return a.endsWith(b);
  return a.includes(b);
}

function hasLabels(g: Graph, v: CypherValue, labels: string[], expr?: LabelExpr): CypherValue {
  if (v === null) return null;
  if (isNode(v)) {
    const cur = g.nodes.get(v.id) ?? v;
    return expr ? labelExprMatches(expr, cur.labels) : labels.every((l) => cur.labels.includes(l));
  }
  if (isRelationship(v))
    return expr ? labelExprMatches(expr, [v.type]) : labels.every((l) => v.type === l);
  throw invalidArgs(":", v);
}

/** Neo4j 5 label expression over a node's labels (or a relationship's one type). */
export function labelExprMatches(e: LabelExpr, labels: readonly string[]): boolean {
  switch (e.t) {
    case "name":
      return labels.includes(e.name);
    case "any":
      return labels.length > 0;
    case "not":
      return !labelExprMatches(e.e, labels);
    case "and":
      return labelExprMatches(e.l, labels) && labelExprMatches(e.r, labels);
    case "or":
      return labelExprMatches(e.l, labels) || labelExprMatches(e.r, labels);
  }
}

export function evaluate(e: Expr, row: Row, ctx: EvalCtx): CypherValue {
  switch (e.t) {
    case "lit":
      return e.v;
    case "param": {
      const v = ctx.params.get(e.name);
      if (v === undefined)
        throw new CypherError(
          "ParameterMissing",
          "runtime",
          "MissingParameter",
          `Expected parameter: $${e.name}`,
        );
      return v;
    }
    case "var": {
      const v = row.get(e.name);
      if (v === undefined)
        throw new CypherError(
          "SyntaxError",
          "compile time",
          "UndefinedVariable",
          `Variable \`${e.name}\` not defined`,
        );
      return v;
    }
    case "prop": {
      const o = evaluate(e.obj, row, ctx);
      if (ctx.prof && (isNode(o) || isRelationship(o))) ctx.prof.hits++;
      return propertyOf(ctx.graph, o, e.key);
    }
    case "index": {
      const o = evaluate(e.obj, row, ctx);
      const i = evaluate(e.idx, row, ctx);
      if (o === null || i === null) return null;
      if (Array.isArray(o)) {
        let k = toIndex(i);
        if (k < 0n) k += BigInt(o.length);
        return k < 0n || k >= BigInt(o.length) ? null : o[Number(k)]!;
      }
      if (typeof i === "string" && (isMap(o) || isNode(o) || isRelationship(o)))
        return propertyOf(ctx.graph, o, i);
      if (isMap(o) || isNode(o) || isRelationship(o))
        throw new CypherError(
          "TypeError",
          "runtime",
          "MapElementAccessByNonString",
          `Type mismatch: expected String but was ${typeName(i)}`,
        );
      throw new CypherError(
        "TypeError",
        "runtime",
        "InvalidArgumentType",
        `Type mismatch: expected a list or map but was ${typeName(o)}`,
      );
    }
    case "slice": {
      const o = evaluate(e.obj, row, ctx);
      const from = e.from ? evaluate(e.from, row, ctx) : 0n;
      const to = e.to ? evaluate(e.to, row, ctx) : undefined;
      if (o === null || from === null || to === null) return null;
      if (!Array.isArray(o)) throw invalidArgs("[..]", o);
      const n = BigInt(o.length);
      const norm = (x: bigint): number =>
        Number(x < 0n ? (x + n < 0n ? 0n : x + n) : x > n ? n : x);
      const f = norm(toIndex(from));
      const t = to === undefined ? o.length : norm(toIndex(to));
      return o.slice(f, Math.max(f, t));
    }
    case "list":
      return e.items.map((x) => evaluate(x, row, ctx));
    case "map":
      return makeMap(e.entries.map(([k, x]): [string, CypherValue] => [k, evaluate(x, row, ctx)]));
    case "mapProj": {
      const o = evaluate(e.obj, row, ctx);
      if (o === null) return null;
      const out = new Map<string, CypherValue>();
      for (const it of e.items) {
        if (it.kind === "all") {
          if (isMap(o)) for (const [k, v] of o.entries) out.set(k, v);
          else if (isNode(o) || isRelationship(o)) {
            const cur =
              o.kind === "node"
                ? (ctx.graph.nodes.get(o.id) ?? o)
                : (ctx.graph.rels.get(o.id) ?? o);
            for (const [k, v] of cur.properties) out.set(k, v);
          } else throw invalidArgs("map projection", o);
        } else if (it.kind === "prop") out.set(it.key, propertyOf(ctx.graph, o, it.key));
        else if (it.kind === "lit") out.set(it.key, evaluate(it.expr, row, ctx));
        else out.set(it.name, evaluate({ t: "var", name: it.name, pos: 0 }, row, ctx));
      }
      return makeMap(out);
    }
    case "bin":
      return binary(e.op, e.l, e.r, row, ctx);
    case "not": {
      const v = truthy(evaluate(e.e, row, ctx), "NOT");
      return v === null ? null : !v;
    }
    case "neg": {
      const v = evaluate(e.e, row, ctx);
      if (v === null) return null;
      if (typeof v === "bigint") return checkInt(-v);
      if (typeof v === "number") return -v;
      if (isTemporal(v) && v.kind === "duration")
        return {
          kind: "duration",
          months: -v.months,
          days: -v.days,
          seconds: -v.seconds,
          nanoseconds: -v.nanoseconds,
        };
      throw invalidArgs("-", v);
    }
    case "isnull": {
      const v = evaluate(e.e, row, ctx);
      return e.neg ? v !== null : v === null;
    }
    case "labels":
      if (ctx.prof) ctx.prof.hits++;
      return hasLabels(ctx.graph, evaluate(e.e, row, ctx), e.labels, e.expr);
    case "typeIs": {
      const ok = typeMatches(evaluate(e.e, row, ctx), e.type);
      return e.neg ? !ok : ok;
    }
    case "collectSub": {
      const last = e.query.parts[0]!.clauses[e.query.parts[0]!.clauses.length - 1]!;
      const col = last.t === "return" ? last.items[0]?.alias : undefined;
      return ctx
        .runSubquery(e.query, row)
        .map((r) => (col === undefined ? null : (r.get(col) ?? null)));
    }
    case "call": {
      if (ctx.aggs?.has(e)) return ctx.aggs.get(e)!;
      if (isAggregateCall(e))
        throw new CypherError(
          "SyntaxError",
          "compile time",
          "InvalidAggregation",
          "Invalid use of aggregating function in this context",
        );
      return callFunction(e.name, e.args, row, ctx);
    }
    case "case": {
      if (e.test) {
        const t = evaluate(e.test, row, ctx);
        for (const [w, r] of e.whens)
          if (equalValues(t, evaluate(w, row, ctx)) === true) return evaluate(r, row, ctx);
      } else {
        for (const [w, r] of e.whens)
          if (evaluate(w, row, ctx) === true) return evaluate(r, row, ctx);
      }
      return e.else ? evaluate(e.else, row, ctx) : null;
    }
    case "listComp": {
      const list = evaluate(e.list, row, ctx);
      if (list === null) return null;
      if (!Array.isArray(list)) throw invalidArgs("list comprehension", list);
      const out: CypherValue[] = [];
      const inner = new Map(row);
      for (const x of list) {
        ctx.tick();
        inner.set(e.v, x);
        if (e.where && evaluate(e.where, inner, ctx) !== true) continue;
        out.push(e.proj ? evaluate(e.proj, inner, ctx) : x);
      }
      return out;
    }
    case "quant": {
      const list = evaluate(e.list, row, ctx);
      if (list === null) return null;
      if (!Array.isArray(list)) throw invalidArgs(e.kind, list);
      const inner = new Map(row);
      let trues = 0;
      let nulls = 0;
      for (const x of list) {
        ctx.tick();
        inner.set(e.v, x);
        const r = e.where ? truthy(evaluate(e.where, inner, ctx), e.kind) : true;
        if (r === true) trues++;
        else if (r === null) nulls++;
      }
      const falses = list.length - trues - nulls;
      switch (e.kind) {
        case "all":
          return falses > 0 ? false : nulls > 0 ? null : true;
        case "any":
          return trues > 0 ? true : nulls > 0 ? null : false;
        case "none":
          return trues > 0 ? false : nulls > 0 ? null : true;
        case "single":
          return trues > 1 ? false : nulls > 0 ? null : trues === 1;
      }
      break;
    }
    case "reduce": {
      const list = evaluate(e.list, row, ctx);
      if (list === null) return null;
      if (!Array.isArray(list)) throw invalidArgs("reduce", list);
      const inner = new Map(row);
      let acc = evaluate(e.init, row, ctx);
      for (const x of list) {
        ctx.tick();
        inner.set(e.acc, acc);
        inner.set(e.v, x);
        acc = evaluate(e.expr, inner, ctx);
      }
      return acc;
    }
    case "patternComp": {
      const rows = ctx.matchPattern([e.pattern], row, e.where);
      return rows.map((r) => evaluate(e.proj, r, ctx));
    }
    case "pattern":
      return ctx.matchPattern([e.pattern], row).length > 0;
    case "exists": {
      if (e.query) return ctx.runSubquery(e.query, row).length > 0;
      return ctx.matchPattern(e.patterns!, row, e.where).length > 0;
    }
    case "countSub": {
      if (e.query) return BigInt(ctx.runSubquery(e.query, row).length);
      return BigInt(ctx.matchPattern(e.patterns!, row, e.where).length);
    }
  }
  throw new Error("unreachable");
}

function binary(op: string, le: Expr, re: Expr, row: Row, ctx: EvalCtx): CypherValue {
  switch (op) {
    case "AND": {
      const a = truthy(evaluate(le, row, ctx), "AND");
      if (a === false) {
        truthy(evaluate(re, row, ctx), "AND");
        return false;
      }
      const b = truthy(evaluate(re, row, ctx), "AND");
      if (b === false) return false;
      return a === null || b === null ? null : true;
    }
    case "OR": {
      const a = truthy(evaluate(le, row, ctx), "OR");
      const b = truthy(evaluate(re, row, ctx), "OR");
      if (a === true || b === true) return true;
      return a === null || b === null ? null : false;
    }
    case "XOR": {
      const a = truthy(evaluate(le, row, ctx), "XOR");
      const b = truthy(evaluate(re, row, ctx), "XOR");
      return a === null || b === null ? null : a !== b;
    }
  }
  const a = evaluate(le, row, ctx);
  const b = evaluate(re, row, ctx);
  switch (op) {
    case "=":
      return equalValues(a, b);
    case "<>": {
      const r = equalValues(a, b);
      return r === null ? null : !r;
    }
    case "<":
    case ">":
    case "<=":
    case ">=": {
      const isNum = (x: CypherValue): boolean => typeof x === "number" || typeof x === "bigint";
      if (
        isNum(a) &&
        isNum(b) &&
        ((typeof a === "number" && Number.isNaN(a)) || (typeof b === "number" && Number.isNaN(b)))
      )
        return false;
      const c = compareValues(a, b);
      if (c === null) return null;
      return op === "<" ? c < 0 : op === ">" ? c > 0 : op === "<=" ? c <= 0 : c >= 0;
    }
    case "IN":
      return inList(a, b);
    case "STARTS WITH":
    case "ENDS WITH":
    case "CONTAINS":
      return stringOp(op, a, b);
    case "=~":
      if (typeof a !== "string" || typeof b !== "string") return null;
      return regexMatch(a, b);
    default:
      return arith(op, a, b);
  }
}
