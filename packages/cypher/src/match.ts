import type { Expr, LabelExpr, NodePat, PatternPart, RelPat } from "./ast";
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
function equalityHints(where: Expr | undefined, row: Row, ctx: EvalCtx): Hints {
  const hints: Hints = new Map();
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
    ] as const) {
      if (side.t !== "prop" || side.obj.t !== "var" || row.has(side.obj.name)) continue;
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
      const list = hints.get(side.obj.name) ?? [];
      list.push([side.key, v]);
      hints.set(side.obj.name, list);
    }
  };
  if (where) visit(where);
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
  if (part.shortest) return matchShortest(part, st, ctx, emit);
  const nodeProps = part.nodes.map((n) => (n.props ? evaluate(n.props, st.row, ctx) : null));
  const relProps = part.rels.map((r) => (r.props ? evaluate(r.props, st.row, ctx) : null));
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
