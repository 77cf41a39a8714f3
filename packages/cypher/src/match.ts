import type { Expr, LabelExpr, NodePat, PatternPart, QuantifiedPath, RelPat } from "./ast";
import type { CypherValue, NodeValue, PathValue, RelationshipValue } from "./values";
import { isMap, isNode, isRelationship } from "./values";
import { equalValues } from "./compare";
import { CypherError } from "./errors";
import { evaluate, labelExprMatches, type EvalCtx, type Row } from "./eval";
import { indexFor } from "./schema";

/** Hashable key for property-index equality lookups (only for simple scalar values). */
function indexKey(v: CypherValue): string | undefined {
  if (typeof v === "string") return "s" + v;
  if (typeof v === "bigint") return "n" + v.toString();
  if (typeof v === "number")
    return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? "n" + BigInt(v).toString() : undefined;
  if (typeof v === "boolean") return v ? "T" : "F";
  return undefined;
}

function propsMatch(
  entity: NodeValue | RelationshipValue,
  props: CypherValue,
  ctx?: EvalCtx,
): boolean {
  if (props === null) return true;
  if (ctx?.prof && isMap(props)) ctx.prof.hits += props.entries.size;
  if (!isMap(props))
    throw new CypherError(
      "TypeError",
      "runtime",
      "InvalidArgumentType",
      "Pattern properties must be a map",
    );
  for (const [k, v] of props.entries) {
    const actual = entity.properties.get(k);
    if (actual === undefined || equalValues(actual, v) !== true) return false;
  }
  return true;
}

/** Labels every node matching a label expression must carry (used to pick a label scan). */
function requiredLabels(e: LabelExpr): string[] {
  switch (e.t) {
    case "name":
      return [e.name];
    case "and":
      return [...new Set([...requiredLabels(e.l), ...requiredLabels(e.r)])];
    case "or": {
      const r = requiredLabels(e.r);
      return requiredLabels(e.l).filter((l) => r.includes(l));
    }
    default:
      return [];
  }
}

/** Labels a node pattern requires, whatever its syntax. */
export function scanLabels(p: NodePat): string[] {
  if (p.labelExpr) return requiredLabels(p.labelExpr);
  return p.anyOf
    ? p.labels.filter((l) => p.anyOf!.some((g) => g.length === 1 && g[0] === l))
    : p.labels;
}

function nodeMatches(n: NodeValue, p: NodePat, propsVal: CypherValue, ctx?: EvalCtx): boolean {
  if (p.labelExpr) {
    if (!labelExprMatches(p.labelExpr, n.labels)) return false;
  } else if (p.anyOf) {
    if (!p.anyOf.every((g) => g.some((l) => n.labels.includes(l)))) return false;
  } else for (const l of p.labels) if (!n.labels.includes(l)) return false;
  return propsMatch(n, propsVal, ctx);
}

interface State {
  row: Row;
  used: Set<bigint>;
}

/** Matches every pattern part of a MATCH clause against the graph, enforcing relationship uniqueness. */
/** Equality hints `v.key = <value>` taken from WHERE, keyed by the (still unbound) variable v. */
type Hints = Map<string, [string, CypherValue][]>;

/**
 * Predicate push-down: top-level `v.key = expr` conjuncts of WHERE whose other side can be evaluated
 * from the incoming row let the matcher start from the property index. WHERE is still checked in full.
 */
/** Top-level `v.key = other` conjuncts of a WHERE (either side), for index look-ups. */
export function propertyEqualities(
  where: Expr | undefined,
): { variable: string; key: string; other: Expr }[] {
  const found: { variable: string; key: string; other: Expr }[] = [];
  const visit = (e: Expr): void => {
    if (e.t === "bin" && e.op === "AND") {
      visit(e.l);
      visit(e.r);
      return;
    }
    if (e.t !== "bin" || e.op !== "=") return;
    for (const [side, other] of [
      [e.l, e.r],
      [e.r, e.l],
    ] as const)
      if (side.t === "prop" && side.obj.t === "var")
        found.push({ variable: side.obj.name, key: side.key, other });
  };
  if (where) visit(where);
  return found;
}

function equalityHints(where: Expr | undefined, row: Row, ctx: EvalCtx): Hints {
  const hints: Hints = new Map();
  for (const { variable, key, other } of propertyEqualities(where)) {
    if (row.has(variable)) continue;
    if (
      JSON.stringify(other, (_k, x: unknown) => (typeof x === "bigint" ? 0 : x)).match(
        /"name":"(rand|randomuuid)"/i,
      )
    )
      continue;
    let v: CypherValue;
    try {
      v = evaluate(other, row, ctx);
    } catch {
      continue; // depends on pattern variables: not a constant for this row
    }
    if (indexKey(v) === undefined) continue;
    const list = hints.get(variable) ?? [];
    list.push([key, v]);
    hints.set(variable, list);
  }
  return hints;
}

export function matchPatterns(
  patterns: PatternPart[],
  row: Row,
  ctx: EvalCtx,
  where?: Expr,
): Row[] {
  const out: Row[] = [];
  const hints = equalityHints(where, row, ctx);
  const step = (i: number, st: State): void => {
    ctx.tick();
    if (i === patterns.length) {
      if (!where || evaluate(where, st.row, ctx) === true) out.push(st.row);
      return;
    }
    matchPart(patterns[i]!, st, ctx, (next) => step(i + 1, next), hints);
  };
  step(0, { row, used: new Set() });
  return out;
}

/** How many nodes the last candidateNodes call read before filtering (what PROFILE reports for the scan). */
let scanned = 0;

function candidateNodes(
  p: NodePat,
  row: Row,
  ctx: EvalCtx,
  propsVal: CypherValue,
  hints?: Hints,
): NodeValue[] | null {
  if (p.v !== undefined) {
    const b = row.get(p.v);
    if (b !== undefined) {
      if (b === null) return null;
      if (!isNode(b))
        throw new CypherError(
          "TypeError",
          "runtime",
          "InvalidArgumentType",
          `Variable \`${p.v}\` is not a node`,
        );
      const cur = ctx.graph.nodes.get(b.id);
      scanned = 1;
      return cur && nodeMatches(cur, p, propsVal) ? [cur] : [];
    }
  }
  let base: NodeValue[];
  const required = scanLabels(p);
  if (required.length > 0) {
    const first = required[0]!;
    let indexed: NodeValue[] | undefined;
    const equalities = [
      ...(propsVal !== null && isMap(propsVal) ? propsVal.entries : []),
      ...((p.v !== undefined && hints?.get(p.v)) || []),
    ];
    for (const [k, v] of equalities) {
      const key = indexKey(v);
      // PROFILE runs the plan it shows: only declared indexes, as Neo4j's planner would
      if (ctx.prof && !indexFor(ctx.graph.schema, first, k)) continue;
      if (key !== undefined) {
        indexed = ctx.graph.nodesByProperty(first, k, key, indexKey);
        break;
      }
    }
    base = indexed ?? ctx.graph.nodesWithLabel(first);
  } else base = [...ctx.graph.nodes.values()];
  scanned = base.length;
  return base.filter((n) => nodeMatches(n, p, propsVal, ctx));
}

function bindNode(row: Row, p: NodePat, n: NodeValue): Row | null {
  if (p.v === undefined) return row;
  const b = row.get(p.v);
  if (b !== undefined) return b !== null && isNode(b) && b.id === n.id ? row : null;
  const r = new Map(row);
  r.set(p.v, n);
  return r;
}

function relsFrom(
  ctx: EvalCtx,
  nodeId: bigint,
  rp: RelPat,
  reversed: boolean,
): [RelationshipValue, bigint][] {
  const dir = reversed ? (rp.dir === "out" ? "in" : rp.dir === "in" ? "out" : "both") : rp.dir;
  const res: [RelationshipValue, bigint][] = [];
  const typeOk = (r: RelationshipValue): boolean =>
    rp.typeExpr
      ? labelExprMatches(rp.typeExpr, [r.type])
      : rp.types.length === 0 || rp.types.includes(r.type);
  if (dir === "out" || dir === "both")
    for (const id of ctx.graph.out.get(nodeId) ?? []) {
      const r = ctx.graph.rels.get(id)!;
      if (typeOk(r)) res.push([r, r.endId]);
    }
  if (dir === "in" || dir === "both")
    for (const id of ctx.graph.in.get(nodeId) ?? []) {
      const r = ctx.graph.rels.get(id)!;
      if (!typeOk(r)) continue;
      if (dir === "both" && r.startId === r.endId) continue; // self-loop already listed once
      res.push([r, r.startId]);
    }
  return res;
}

/** Rough candidate count for starting a pattern at node k (bound variables first, then index lookups). */
function startCost(p: NodePat, props: CypherValue, row: Row, ctx: EvalCtx, hints?: Hints): number {
  if (p.v !== undefined && row.get(p.v) !== undefined) return 0;
  const total = ctx.graph.nodes.size;
  const required = scanLabels(p);
  if (required.length === 0) return total + 1;
  const labelled = Math.min(...required.map((l) => ctx.graph.labelIndex.get(l)?.size ?? 0));
  const declared = (k: string): boolean =>
    !ctx.prof || required.some((l) => indexFor(ctx.graph.schema, l, k) !== undefined);
  const indexable =
    (props !== null &&
      isMap(props) &&
      [...props.entries].some(([k, v]) => indexKey(v) !== undefined && declared(k))) ||
    (p.v !== undefined && (hints?.get(p.v) ?? []).some(([k]) => declared(k)));
  return indexable ? Math.min(labelled, 1 + labelled / 10) : labelled;
}

interface Step {
  from: number;
  to: number;
  rel: number;
  /** traversing the relationship against the pattern's written direction */
  reversed: boolean;
}

function matchPart(
  part: PatternPart,
  st: State,
  ctx: EvalCtx,
  emit: (s: State) => void,
  hints?: Hints,
): void {
  if (part.shortest)
    return part.rels.some((r) => r.qpp)
      ? matchShortestQuantified(part, st, ctx, emit, hints)
      : matchShortest(part, st, ctx, emit);
  const nodeProps = part.nodes.map((n) => (n.props ? evaluate(n.props, st.row, ctx) : null));
  const relProps = part.rels.map((r) => (r.props ? evaluate(r.props, st.row, ctx) : null));
  const qppProps = part.rels.map((r) => (r.qpp ? innerProps(r.qpp, st.row, ctx) : undefined));
  const n = part.nodes.length;
  // start at the most selective node, then walk right to the end and left to the beginning
  let s0 = 0;
  let best = Infinity;
  part.nodes.forEach((np, k) => {
    const c = startCost(np, nodeProps[k]!, st.row, ctx, hints);
    if (c < best) {
      best = c;
      s0 = k;
    }
  });
  const steps: Step[] = [];
  for (let k = s0 + 1; k < n; k++) steps.push({ from: k - 1, to: k, rel: k - 1, reversed: false });
  for (let k = s0 - 1; k >= 0; k--) steps.push({ from: k + 1, to: k, rel: k, reversed: true });

  const startPat = part.nodes[s0]!;
  const starts = candidateNodes(startPat, st.row, ctx, nodeProps[s0]!, hints);
  if (!starts) return;
  ctx.prof?.scan(part, scanned);
  const nodesSeq: NodeValue[] = new Array(n);
  const relsSeq: (RelationshipValue | RelationshipValue[])[] = new Array(n - 1);

  const finish = (row: Row, used: Set<bigint>): void => {
    let r = row;
    if (part.v !== undefined) {
      r = new Map(row);
      r.set(part.v, buildPath(nodesSeq, relsSeq, ctx));
    }
    emit({ row: r, used });
  };

  const extend = (k: number, row: Row, used: Set<bigint>): void => {
    ctx.tick();
    if (k > 0) ctx.prof?.expandRow(part, steps[k - 1]!.rel);
    if (k === steps.length) return finish(row, used);
    const step = steps[k]!;
    const cur = nodesSeq[step.from]!;
    const rp = part.rels[step.rel]!;
    const nextPat = part.nodes[step.to]!;
    const nextProps = nodeProps[step.to]!;
    const rProps = relProps[step.rel]!;
    const accept = (
      next: NodeValue,
      rel: RelationshipValue | RelationshipValue[],
      row2: Row,
      used2: Set<bigint>,
    ): void => {
      if (!nodeMatches(next, nextPat, nextProps, ctx)) return;
      const row3 = bindNode(row2, nextPat, next);
      if (!row3) return;
      nodesSeq[step.to] = next;
      relsSeq[step.rel] = rel;
      extend(k + 1, row3, used2);
    };
    if (rp.qpp) {
      const walker: QppWalk = {
        q: rp.qpp,
        props: qppProps[step.rel]!,
        reversed: step.reversed,
        outer: st.row,
        ctx,
        onHop: (count) => ctx.prof?.expandHits(part, step.rel, count + 1),
      };
      walkQuantified(walker, cur, used, (end, rels, groups) => {
        const row2 = new Map(row);
        for (const [v, values] of groups) row2.set(v, values);
        accept(end, rels, row2, used);
      });
      return;
    }
    const bound = rp.v !== undefined ? (st.row.get(rp.v) ?? row.get(rp.v)) : undefined;
    if (!rp.varLength) {
      const candidates = relsFrom(ctx, cur.id, rp, step.reversed);
      ctx.prof?.expandHits(part, step.rel, candidates.length + 1);
      for (const [rel, other] of candidates) {
        if (used.has(rel.id)) continue;
        if (bound !== undefined) {
          if (bound === null || !isRelationship(bound) || bound.id !== rel.id) continue;
        }
        if (!propsMatch(rel, rProps, ctx)) continue;
        let row2 = row;
        if (rp.v !== undefined && bound === undefined) {
          row2 = new Map(row);
          row2.set(rp.v, rel);
        }
        // the used-relationship set is shared along the (synchronous) search and undone on backtrack
        used.add(rel.id);
        accept(ctx.graph.nodes.get(other)!, rel, row2, used);
        used.delete(rel.id);
      }
      return;
    }
    const min = rp.varLength.min ?? 1;
    const max = rp.varLength.max ?? Infinity;
    const boundList = bound !== undefined && Array.isArray(bound) ? bound : undefined;
    const walk = (node: NodeValue, path: RelationshipValue[], used2: Set<bigint>): void => {
      ctx.tick();
      if (path.length >= min) {
        const ordered = step.reversed ? [...path].reverse() : [...path];
        let ok = true;
        if (boundList)
          ok =
            boundList.length === ordered.length &&
            boundList.every((b, i) => isRelationship(b) && b.id === ordered[i]!.id);
        if (ok) {
          let row2 = row;
          if (rp.v !== undefined && bound === undefined) {
            row2 = new Map(row);
            row2.set(rp.v, ordered);
          }
          accept(node, ordered, row2, used2);
        }
      }
      if (path.length >= max) return;
      const candidates = relsFrom(ctx, node.id, rp, step.reversed);
      ctx.prof?.expandHits(part, step.rel, candidates.length + 1);
      for (const [rel, other] of candidates) {
        if (used2.has(rel.id)) continue;
        if (!propsMatch(rel, rProps, ctx)) continue;
        used2.add(rel.id);
        path.push(rel);
        walk(ctx.graph.nodes.get(other)!, path, used2);
        path.pop();
        used2.delete(rel.id);
      }
    };
    walk(cur, [], used);
  };

  for (const s of starts) {
    const row = bindNode(st.row, startPat, s);
    if (!row) continue;
    nodesSeq[s0] = s;
    extend(0, row, st.used);
  }
}

/** Property maps of a quantified path pattern's inner node and relationship patterns. */
interface InnerProps {
  nodes: CypherValue[];
  rels: CypherValue[];
}

function innerProps(q: QuantifiedPath, row: Row, ctx: EvalCtx): InnerProps {
  return {
    nodes: q.nodes.map((n) => (n.props ? evaluate(n.props, row, ctx) : null)),
    rels: q.rels.map((r) => (r.props ? evaluate(r.props, row, ctx) : null)),
  };
}

interface QppWalk {
  q: QuantifiedPath;
  props: InnerProps;
  /** walking from the pattern's right end towards its left (the start node was on the right) */
  reversed: boolean;
  /** the row the MATCH began with: what the inner WHERE may see besides the iteration's variables */
  outer: Row;
  ctx: EvalCtx;
  onHop: (candidates: number) => void;
}

/**
 * Repeats a quantified path pattern from `start`, min..max times. Each iteration matches the inner
 * chain (its first node is the previous iteration's last), binds the inner variables to single
 * values for its WHERE, and marks its relationships used: a relationship is traversed at most once
 * per MATCH (trail semantics), which also bounds unbounded quantifiers by the relationship count.
 * `emit` gets the end node, the relationships in the pattern's left-to-right order and the group
 * variables as lists in iteration order.
 */
function walkQuantified(
  w: QppWalk,
  start: NodeValue,
  used: Set<bigint>,
  emit: (end: NodeValue, rels: RelationshipValue[], groups: Map<string, CypherValue[]>) => void,
): void {
  const { q, ctx } = w;
  const max = q.max ?? Infinity;
  const iterations: Map<string, CypherValue>[] = [];
  const path: RelationshipValue[] = [];
  const repeat = (node: NodeValue): void => {
    ctx.tick();
    if (iterations.length >= q.min) {
      const ordered = w.reversed ? [...iterations].reverse() : iterations;
      const groups = new Map<string, CypherValue[]>();
      for (const v of q.vars)
        groups.set(
          v,
          ordered.map((it) => it.get(v) ?? null),
        );
      emit(node, w.reversed ? [...path].reverse() : [...path], groups);
    }
    if (iterations.length >= max) return;
    iterate(w, node, used, (end, binds, rels) => {
      iterations.push(binds);
      path.push(...rels);
      repeat(end);
      path.length -= rels.length;
      iterations.pop();
    });
  };
  repeat(start);
}

/** One iteration of a quantified path pattern from `start`, in the walk's direction. */
function iterate(
  w: QppWalk,
  start: NodeValue,
  used: Set<bigint>,
  emit: (end: NodeValue, binds: Map<string, CypherValue>, rels: RelationshipValue[]) => void,
): void {
  const { q, ctx, props } = w;
  const last = q.nodes.length - 1;
  const bindInner = (
    binds: Map<string, CypherValue>,
    v: string | undefined,
    value: NodeValue | RelationshipValue,
  ): Map<string, CypherValue> | null => {
    if (v === undefined) return binds;
    const prev = binds.get(v);
    if (prev !== undefined)
      return (isNode(prev) || isRelationship(prev)) && prev.id === value.id ? binds : null;
    return new Map(binds).set(v, value);
  };
  const nodeOk = (k: number, node: NodeValue, binds: Map<string, CypherValue>) =>
    nodeMatches(node, q.nodes[k]!, props.nodes[k]!, ctx)
      ? bindInner(binds, q.nodes[k]!.v, node)
      : null;
  const first = w.reversed ? last : 0;
  const startBinds = nodeOk(first, start, new Map());
  if (!startBinds) return;
  const rels: RelationshipValue[] = [];
  // hop j goes over inner relationship j (forwards) or last-1-j (backwards)
  const hop = (j: number, node: NodeValue, binds: Map<string, CypherValue>): void => {
    ctx.tick();
    if (j === last) {
      if (q.where) {
        const row = new Map(w.outer);
        for (const [k, v] of binds) row.set(k, v);
        if (evaluate(q.where, row, ctx) !== true) return;
      }
      emit(node, binds, [...rels]);
      return;
    }
    const ri = w.reversed ? last - 1 - j : j;
    const to = w.reversed ? ri : ri + 1;
    const rp = q.rels[ri]!;
    const candidates = relsFrom(ctx, node.id, rp, w.reversed);
    w.onHop(candidates.length);
    for (const [rel, otherId] of candidates) {
      if (used.has(rel.id) || !propsMatch(rel, props.rels[ri]!, ctx)) continue;
      const withRel = bindInner(binds, rp.v, rel);
      if (!withRel) continue;
      const other = ctx.graph.nodes.get(otherId)!;
      const withNode = nodeOk(to, other, withRel);
      if (!withNode) continue;
      used.add(rel.id);
      rels.push(rel);
      hop(j + 1, other, withNode);
      rels.pop();
      used.delete(rel.id);
    }
  };
  hop(0, start, startBinds);
}

export function buildPath(
  nodes: NodeValue[],
  rels: (RelationshipValue | RelationshipValue[])[],
  ctx: EvalCtx,
): PathValue {
  const pn: NodeValue[] = [nodes[0]!];
  const pr: RelationshipValue[] = [];
  rels.forEach((r, i) => {
    const list = Array.isArray(r) ? r : [r];
    let cur = pn[pn.length - 1]!;
    for (const rel of list) {
      const nextId = rel.startId === cur.id ? rel.endId : rel.startId;
      pr.push(rel);
      cur = ctx.graph.nodes.get(nextId) ?? nodes[i + 1]!;
      pn.push(cur);
    }
    if (list.length === 0 && nodes[i + 1]!.id !== cur.id) pn.push(nodes[i + 1]!);
  });
  return { kind: "path", nodes: pn, relationships: pr };
}

/** Hidden variable for the path of a pattern under a selector (names with two leading spaces never reach results). */
const SELECTED_PATH = "  selected path";
const unselectedParts = new WeakMap<PatternPart, PatternPart>();

/**
 * `SHORTEST k`, `ALL SHORTEST`, `ANY k` over a pattern with a quantified path pattern: every match
 * (trail semantics) is found, then per pair of end nodes the k shortest (or all of the least length)
 * are kept. The parsed pattern is shared between runs, so the selector-free copy is cached, never
 * written into the AST.
 */
function matchShortestQuantified(
  part: PatternPart,
  st: State,
  ctx: EvalCtx,
  emit: (s: State) => void,
  hints?: Hints,
): void {
  let plain = unselectedParts.get(part);
  if (!plain) {
    plain = { ...part, shortest: undefined, k: undefined, v: SELECTED_PATH };
    unselectedParts.set(part, plain);
  }
  const groups = new Map<string, { row: Row; path: PathValue }[]>();
  matchPart(
    plain,
    st,
    ctx,
    (s) => {
      const path = s.row.get(SELECTED_PATH) as PathValue;
      const key = `${path.nodes[0]!.id}:${path.nodes[path.nodes.length - 1]!.id}`;
      const list = groups.get(key) ?? [];
      list.push({ row: s.row, path });
      groups.set(key, list);
    },
    hints,
  );
  for (const list of groups.values()) {
    ctx.tick();
    list.sort((a, b) => a.path.relationships.length - b.path.relationships.length);
    const least = list[0]!.path.relationships.length;
    const chosen =
      part.shortest === "all"
        ? list.filter((m) => m.path.relationships.length === least)
        : list.slice(0, part.k ?? 1);
    for (const m of chosen) {
      const row = new Map(m.row);
      row.delete(SELECTED_PATH);
      if (part.v !== undefined) row.set(part.v, m.path);
      const used = new Set(st.used);
      for (const r of m.path.relationships) used.add(r.id);
      emit({ row, used });
    }
  }
}

/** shortestPath / allShortestPaths over a single (variable-length) relationship pattern, by BFS. */
function matchShortest(part: PatternPart, st: State, ctx: EvalCtx, emit: (s: State) => void): void {
  if (part.rels.length !== 1)
    throw new CypherError(
      "SyntaxError",
      "compile time",
      "InvalidShortestPath",
      "shortestPath requires a pattern with a single relationship",
    );
  const rp = part.rels[0]!;
  const [ap, bp] = [part.nodes[0]!, part.nodes[1]!];
  const aProps = ap.props ? evaluate(ap.props, st.row, ctx) : null;
  const bProps = bp.props ? evaluate(bp.props, st.row, ctx) : null;
  const rProps = rp.props ? evaluate(rp.props, st.row, ctx) : null;
  const as = candidateNodes(ap, st.row, ctx, aProps);
  const bs = candidateNodes(bp, st.row, ctx, bProps);
  if (!as || !bs) return;
  const min = rp.varLength ? (rp.varLength.min ?? 1) : 1;
  const max = rp.varLength ? (rp.varLength.max ?? Infinity) : 1;
  const targets = new Set(bs.map((b) => b.id));
  for (const a of as) {
    // BFS layers of paths; paths are kept simple in relationships
    let frontier: { node: NodeValue; rels: RelationshipValue[]; nodes: NodeValue[] }[] = [
      { node: a, rels: [], nodes: [a] },
    ];
    const found: { rels: RelationshipValue[]; nodes: NodeValue[] }[] = [];
    const bestDepth = new Map<bigint, number>();
    // SHORTEST k: the k shortest paths per end node, in order of length
    const k = part.shortest === "shortest" ? (part.k ?? 1) : 1;
    const foundPer = new Map<bigint, number>();
    for (let depth = 0; depth <= max && frontier.length > 0; depth++) {
      ctx.tick();
      const hits = depth >= min ? frontier.filter((f) => targets.has(f.node.id)) : [];
      const newHits = hits.filter((h) => {
        const d = bestDepth.get(h.node.id);
        return d === undefined || d === depth || (foundPer.get(h.node.id) ?? 0) < k;
      });
      for (const h of newHits) {
        if (!bestDepth.has(h.node.id)) bestDepth.set(h.node.id, depth);
        foundPer.set(h.node.id, (foundPer.get(h.node.id) ?? 0) + 1);
        found.push(h);
      }
      if (depth === max) break;
      if (
        bestDepth.size === targets.size &&
        targets.size > 0 &&
        [...foundPer.values()].every((c) => c >= k)
      )
        break;
      const next: typeof frontier = [];
      for (const f of frontier) {
        for (const [rel, other] of relsFrom(ctx, f.node.id, rp, false)) {
          if (f.rels.some((r) => r.id === rel.id) || !propsMatch(rel, rProps)) continue;
          const o = ctx.graph.nodes.get(other)!;
          if (f.nodes.some((x) => x.id === o.id) && !targets.has(o.id)) continue;
          next.push({ node: o, rels: [...f.rels, rel], nodes: [...f.nodes, o] });
        }
      }
      frontier = next;
    }
    const byTarget = new Map<bigint, typeof found>();
    for (const f of found) {
      const t = f.nodes[f.nodes.length - 1]!.id;
      if (!byTarget.has(t)) byTarget.set(t, []);
      byTarget.get(t)!.push(f);
    }
    for (const [, list] of byTarget) {
      const best = list[0] ? list[0].rels.length : 0;
      const chosen =
        part.shortest === "shortest"
          ? list.slice(0, k)
          : list.filter((f) => f.rels.length === best);
      for (const f of chosen) {
        let row: Row | null = bindNode(st.row, ap, a);
        if (!row) continue;
        row = bindNode(row, bp, f.nodes[f.nodes.length - 1]!);
        if (!row) continue;
        row = new Map(row);
        if (rp.v !== undefined) row.set(rp.v, rp.varLength ? f.rels : (f.rels[0] ?? null));
        if (part.v !== undefined)
          row.set(part.v, { kind: "path", nodes: f.nodes, relationships: f.rels });
        emit({ row, used: st.used });
      }
    }
  }
}
