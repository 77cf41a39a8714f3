/**
 * EXPLAIN and PROFILE: an operator tree in the shape of Neo4j's plans (leaf scans, Expand, Filter,
 * Projection, EagerAggregation, Sort, Limit, Create…, ProduceResults at the root), built from the
 * query and the graph's declared indexes. Under PROFILE the engine reports what each operator did
 * while the query ran: rows it produced and database hits (nodes scanned or sought, relationships
 * traversed, property reads). The engine interprets clause by clause, so an operator's counts are
 * those of the clause part it stands for.
 */
import type { Clause, Expr, NodePat, PatternPart, QuantifiedPath, Query, SingleQuery } from "./ast";
import type { Graph } from "./graph";
import { isUniqueIndex, indexFor } from "./schema";
import { propertyEqualities, scanLabels } from "./match";
import { isAggregateCall, walkExpr } from "./eval";

export interface PlanNode {
  operatorType: string;
  identifiers: string[];
  /** Neo4j's plan arguments: Details, EstimatedRows and, on the root, planner/runtime facts */
  args: Record<string, string | number>;
  children: PlanNode[];
  /** PROFILE only */
  rows?: number;
  dbHits?: number;
}

/** Hooks the executor calls while a PROFILE runs. */
export interface Profiler {
  /** property reads and label checks not yet attributed to an operator */
  hits: number;
  declaredIndexesOnly: true;
  clauseStart(c: Clause): void;
  clauseEnd(c: Clause, rowsOut: number): void;
  scan(part: PatternPart, rows: number): void;
  expandRow(part: PatternPart, rel: number): void;
  expandHits(part: PatternPart, rel: number, n: number): void;
}

interface ClauseOps {
  top: PlanNode;
  /** operator charged with the clause's own property reads */
  work: PlanNode;
  extra: PlanNode[];
}

const node = (
  operatorType: string,
  identifiers: Iterable<string>,
  details: string,
  children: PlanNode[] = [],
): PlanNode => ({
  operatorType,
  identifiers: [...new Set(identifiers)].sort(),
  args: details ? { Details: details } : {},
  children,
});

/** Plan builder: walks the clauses keeping the bound variables, as the executor will. */
class Planner {
  /** Equality keys from the WHERE of the MATCH being planned, by variable. */
  private whereKeys = new Map<string, string[]>();
  private anon = 0;
  readonly byClause = new Map<Clause, ClauseOps>();
  readonly scans = new Map<PatternPart, PlanNode>();
  readonly expands = new Map<PatternPart, PlanNode[]>();

  constructor(
    private readonly text: string,
    private readonly graph: Graph,
  ) {}

  private name(v: string | undefined): string {
    return v ?? `anon_${this.anon++}`;
  }

  private clauseText(q: SingleQuery, i: number): string {
    const c = q.clauses[i]!;
    const next = q.clauses[i + 1];
    return this.text
      .slice(c.pos, next ? next.pos : undefined)
      .trim()
      .replace(/\s+/g, " ");
  }

  query(
    q: Query,
    input: PlanNode | undefined,
    bound: Set<string>,
  ): { top: PlanNode; bound: Set<string> } {
    const parts = q.parts.map((p) => this.single(p, input, new Set(bound)));
    if (parts.length === 1) return parts[0]!;
    let top = parts[0]!.top;
    for (let i = 1; i < parts.length; i++) {
      top = node("Union", [...parts[0]!.bound], "", [top, parts[i]!.top]);
      if (!q.unionAll[i - 1]) top = node("Distinct", [...parts[0]!.bound], "", [top]);
    }
    return { top, bound: parts[0]!.bound };
  }

  private single(
    q: SingleQuery,
    input: PlanNode | undefined,
    bound: Set<string>,
  ): { top: PlanNode; bound: Set<string> } {
    let top = input;
    q.clauses.forEach((c, i) => {
      const details = this.clauseText(q, i);
      const before = top;
      const ops = this.clause(c, top, bound, details);
      top = ops.top;
      if (top !== before) this.byClause.set(c, ops);
    });
    return { top: top ?? node("Argument", [], ""), bound };
  }

  private clause(
    c: Clause,
    input: PlanNode | undefined,
    bound: Set<string>,
    details: string,
  ): ClauseOps {
    const ids = (): string[] => [...bound];
    const simple = (type: string, d = details): ClauseOps => {
      const n = node(type, ids(), d, input ? [input] : []);
      return { top: n, work: n, extra: [] };
    };
    switch (c.t) {
      case "match": {
        let top = input;
        const extra: PlanNode[] = [];
        this.whereKeys = whereEqualityKeys(c.where, c.patterns, bound);
        for (const part of c.patterns) top = this.part(part, top, bound, extra);
        this.whereKeys = new Map();
        const filterText = /\bWHERE\b([\s\S]*)$/i.exec(details)?.[1]?.trim();
        let work = top!;
        if (
          c.where ||
          c.patterns.some((p) => p.nodes.some((n) => n.props) || p.rels.some((r) => r.props))
        ) {
          work = node("Filter", ids(), filterText ?? "pattern properties", [top!]);
          top = work;
        }
        if (c.optional) top = node("Optional", ids(), "", [top!]);
        return { top: top!, work, extra };
      }
      case "unwind":
        bound.add(c.v);
        return simple("Unwind", details.replace(/^UNWIND\s+/i, ""));
      case "with":
      case "return": {
        let top = input;
        const aggregating = c.items.some((it) => hasAggregate(it.expr));
        const keep = new Set(bound);
        if (c.star === false) bound.clear();
        for (const v of (c as { starVars?: string[] }).starVars ?? []) bound.add(v);
        for (const it of c.items) bound.add(it.alias);
        const itemsText = c.items
          .map((it) =>
            it.expr.t === "var" && it.expr.name === it.alias
              ? it.alias
              : `${this.exprText(it)} AS ${it.alias}`,
          )
          .join(", ");
        if (aggregating) {
          const keys = c.items.filter((it) => !hasAggregate(it.expr)).map((it) => it.alias);
          top = node("EagerAggregation", ids(), itemsText, top ? [top] : []);
          top.args.Details = keys.length ? `${keys.join(", ")}, ${itemsText}` : itemsText;
        } else if (c.distinct) top = node("Distinct", ids(), itemsText, top ? [top] : []);
        else if (c.items.some((it) => !(it.expr.t === "var" && it.expr.name === it.alias)))
          top = node("Projection", ids(), itemsText, top ? [top] : []);
        else top = top ?? node("Argument", ids(), "");
        const work = top;
        if (c.order) {
          const order = c.order
            .map(
              (o) =>
                (o.expr.t === "var" ? o.expr.name : "expression") + (o.desc ? " DESC" : " ASC"),
            )
            .join(", ");
          top = node(c.limit ? "Top" : "Sort", ids(), order, [top]);
        }
        if (c.skip) top = node("Skip", ids(), "", [top]);
        if (c.limit && !c.order) top = node("Limit", ids(), "", [top]);
        if (c.t === "with" && c.where)
          top = node("Filter", ids(), /\bWHERE\b([\s\S]*)$/i.exec(details)?.[1]?.trim() ?? "", [
            top,
          ]);
        void keep;
        return { top, work, extra: [] };
      }
      case "create":
        for (const p of c.patterns) this.bindPart(p, bound);
        return simple("Create", details.replace(/^CREATE\s+/i, ""));
      case "merge":
        this.bindPart(c.pattern, bound);
        return simple("Merge", details.replace(/^MERGE\s+/i, ""));
      case "set":
        return simple(
          c.items.every((i) => i.kind === "labels")
            ? "SetLabels"
            : c.items.length === 1 && c.items[0]!.kind === "prop"
              ? "SetProperty"
              : "SetProperties",
          details.replace(/^SET\s+/i, ""),
        );
      case "remove":
        return simple(
          c.items.every((i) => i.kind === "labels") ? "RemoveLabels" : "RemoveProperty",
          details.replace(/^REMOVE\s+/i, ""),
        );
      case "delete":
        return simple(
          c.detach ? "DetachDelete" : "Delete",
          details.replace(/^(DETACH\s+)?DELETE\s+/i, ""),
        );
      case "foreach":
        return simple("Foreach", details);
      case "call":
        for (const y of c.yields ?? []) bound.add(y.alias);
        return simple("ProcedureCall", `${c.name}()`);
      case "subquery": {
        const inner = this.query(c.query, node("Argument", [...bound], ""), new Set(bound));
        const returning = c.query.parts[0]!.clauses.at(-1)?.t === "return";
        if (returning) for (const v of inner.bound) bound.add(v);
        const n = node(
          returning ? "Apply" : "SubqueryForeach",
          ids(),
          "",
          input ? [input, inner.top] : [node("Argument", [], ""), inner.top],
        );
        return { top: n, work: n, extra: [] };
      }
      case "schema": {
        const k = c.command.kind;
        const type =
          k === "show"
            ? c.command.what === "INDEXES"
              ? "ShowIndexes"
              : "ShowConstraints"
            : k[0]!.toUpperCase() + k.slice(1);
        return simple(type, details);
      }
    }
  }

  private exprText(it: { expr: Expr; alias: string; explicit: boolean }): string {
    return it.explicit ? "expression" : it.alias;
  }

  private bindPart(p: PatternPart, bound: Set<string>): void {
    if (p.v) bound.add(p.v);
    for (const n of p.nodes) if (n.v) bound.add(n.v);
    for (const r of p.rels) if (r.v) bound.add(r.v);
    for (const r of p.rels) for (const v of r.qpp?.vars ?? []) bound.add(v);
  }

  /** Leaf operator and expands for one pattern part, starting where the matcher will start. */
  private part(
    p: PatternPart,
    input: PlanNode | undefined,
    bound: Set<string>,
    extra: PlanNode[],
  ): PlanNode {
    const names = p.nodes.map((n) => (n.v !== undefined ? n.v : undefined));
    const relNames = p.rels.map((r) => r.v);
    let s0 = 0;
    let best = Infinity;
    p.nodes.forEach((n, k) => {
      const c = this.startCost(n, bound);
      if (c < best) {
        best = c;
        s0 = k;
      }
    });
    const nodeNames = names.map((n) => this.name(n));
    let top: PlanNode | undefined = input;
    const start = p.nodes[s0]!;
    if (!(start.v !== undefined && bound.has(start.v))) {
      const leaf = this.leaf(start, nodeNames[s0]!);
      this.scans.set(p, leaf);
      extra.push(leaf);
      bound.add(nodeNames[s0]!);
      top = top ? node("CartesianProduct", [...bound], "", [top, leaf]) : leaf;
    }
    const order: [number, number, number][] = [];
    for (let k = s0 + 1; k < p.nodes.length; k++) order.push([k - 1, k, k - 1]);
    for (let k = s0 - 1; k >= 0; k--) order.push([k + 1, k, k]);
    const expands: PlanNode[] = [];
    for (const [from, to, ri] of order) {
      const r = p.rels[ri]!;
      const rName = this.name(relNames[ri]);
      const into = p.nodes[to]!.v !== undefined && bound.has(p.nodes[to]!.v!);
      const type = p.shortest
        ? "ShortestPath"
        : r.qpp
          ? "Repeat(Trail)"
          : r.varLength
            ? into
              ? "VarLengthExpand(Into)"
              : "VarLengthExpand(All)"
            : into
              ? "Expand(Into)"
              : "Expand(All)";
      const types = r.types.length ? ":" + r.types.join("|") : "";
      const len = r.varLength ? `*${r.varLength.min ?? 1}..${r.varLength.max ?? ""}` : "";
      const arrowL = (r.dir === "in") !== from > to ? "<-" : "-";
      const arrowR = (r.dir === "out") !== from > to ? "->" : "-";
      const details = r.qpp
        ? `(${nodeNames[Math.min(from, to)]}) (${quantifiedText(r.qpp)}){${r.qpp.min},${r.qpp.max ?? ""}} (${nodeNames[Math.max(from, to)]})`
        : `(${nodeNames[from]})${arrowL}[${rName}${types}${len}]${arrowR}(${nodeNames[to]})`;
      if (r.qpp) for (const v of r.qpp.vars) bound.add(v);
      bound.add(nodeNames[to]!);
      bound.add(rName);
      top = node(type, [...bound], details, top ? [top] : []);
      expands[ri] = top;
    }
    if (p.v) bound.add(p.v);
    for (const n of p.nodes) if (n.v) bound.add(n.v);
    this.expands.set(p, expands);
    return top!;
  }

  private startCost(n: NodePat, bound: Set<string>): number {
    if (n.v !== undefined && bound.has(n.v)) return 0;
    const labels = scanLabels(n);
    if (labels.length === 0) return this.graph.nodes.size + 1;
    const count = Math.min(...labels.map((l) => this.graph.labelIndex.get(l)?.size ?? 0));
    return this.seekKey(n) ? Math.min(count, 1 + count / 10) : count;
  }

  /** A property the start node is looked up by: in its map, or `v.key = …` in the MATCH's WHERE. */
  private seekKey(n: NodePat): string | undefined {
    const label = scanLabels(n)[0];
    if (!label) return undefined;
    const keys = [
      ...(n.props?.t === "map" ? n.props.entries.map(([k]) => k) : []),
      ...((n.v !== undefined && this.whereKeys.get(n.v)) || []),
    ];
    return keys.find((k) => indexFor(this.graph.schema, label, k));
  }

  private leaf(n: NodePat, name: string): PlanNode {
    const labels = scanLabels(n);
    const key = this.seekKey(n);
    if (labels[0] && key) {
      const idx = indexFor(this.graph.schema, labels[0], key)!;
      const unique = isUniqueIndex(this.graph.schema, idx);
      return node(
        unique ? "NodeUniqueIndexSeek" : "NodeIndexSeek",
        [name],
        `${unique ? "UNIQUE " : ""}${idx.type} INDEX ${name}:${labels[0]}(${key}) WHERE ${key} = ?`,
      );
    }
    if (labels[0]) return node("NodeByLabelScan", [name], `${name}:${labels[0]}`);
    return node("AllNodesScan", [name], name);
  }
}

/**
 * The matcher's predicate push-down, seen statically: top-level `v.key = expr` conjuncts of a
 * MATCH's WHERE, for a variable v the MATCH binds, where expr uses none of the MATCH's new
 * variables (so it is known before matching) and nothing random.
 */
function whereEqualityKeys(
  where: Expr | undefined,
  patterns: PatternPart[],
  bound: Set<string>,
): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  if (!where) return keys;
  const local = new Set<string>();
  for (const p of patterns) for (const n of p.nodes) if (n.v && !bound.has(n.v)) local.add(n.v);
  const knownBefore = (e: Expr): boolean => {
    let known = true;
    walkExpr(e, (x) => {
      if (x.t === "var" && local.has(x.name)) known = false;
      if (x.t === "call" && /^(rand|randomuuid)$/i.test(x.name)) known = false;
      return known;
    });
    return known;
  };
  for (const { variable, key, other } of propertyEqualities(where))
    if (local.has(variable) && knownBefore(other))
      keys.set(variable, [...(keys.get(variable) ?? []), key]);
  return keys;
}

function hasAggregate(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (isAggregateCall(x)) found = true;
    return !found && x.t !== "listComp" && x.t !== "patternComp";
  });
  return found;
}

const ROOT_ARGS = {
  version: "CYPHER 5",
  planner: "COST",
  "planner-impl": "IDP",
  "planner-version": "5.26",
  runtime: "SLOTTED",
  "runtime-impl": "SLOTTED",
  "runtime-version": "5.26",
};

export interface BuiltPlan {
  root: PlanNode;
  profiler: Profiler;
  /** fill in rows/dbHits after the run */
  finish(resultRows: number): void;
}

/** Builds the plan of a query; the profiler it returns records a run of that plan. */
export function buildPlan(q: Query, text: string, graph: Graph, columns: string[]): BuiltPlan {
  const planner = new Planner(text, graph);
  const { top } = planner.query(q, undefined, new Set());
  const root = node("ProduceResults", columns, columns.join(", "), [top]);
  Object.assign(root.args, ROOT_ARGS);
  const all: PlanNode[] = [];
  const visit = (n: PlanNode): void => {
    all.push(n);
    n.rows = 0;
    n.dbHits = 0;
    n.children.forEach(visit);
  };
  visit(root);
  const stack: { base: number; inner: number }[] = [];
  const matcherOps = new Set<PlanNode>([
    ...planner.scans.values(),
    ...[...planner.expands.values()].flat(),
  ]);
  const profiler: Profiler = {
    hits: 0,
    declaredIndexesOnly: true,
    clauseStart: () => stack.push({ base: profiler.hits, inner: 0 }),
    clauseEnd(c, rowsOut) {
      const frame = stack.pop()!;
      const used = profiler.hits - frame.base;
      const parent = stack[stack.length - 1];
      if (parent) parent.inner += used;
      const ops = planner.byClause.get(c);
      if (!ops) return;
      ops.work.dbHits! += used - frame.inner;
      // the clause's operators above its scans and expands produce the clause's rows
      for (
        let n: PlanNode | undefined = ops.top;
        n && !matcherOps.has(n);
        n = n === ops.work ? undefined : n.children[0]
      )
        n.rows! += rowsOut;
    },
    scan(part, rows) {
      const leaf = planner.scans.get(part);
      if (!leaf) {
        profiler.hits += rows + 1;
        return;
      }
      leaf.rows! += rows;
      leaf.dbHits! += rows + 1;
    },
    expandRow(part, rel) {
      const op = planner.expands.get(part)?.[rel];
      if (op) op.rows!++;
    },
    expandHits(part, rel, n) {
      const op = planner.expands.get(part)?.[rel];
      if (op) op.dbHits! += n;
      else profiler.hits += n;
    },
  };
  return {
    root,
    profiler,
    finish(resultRows) {
      root.rows = resultRows;
      for (const n of all) {
        n.args.Rows = n.rows!;
        n.args.DbHits = n.dbHits!;
      }
    },
  };
}

/** The plan without run-time counts (EXPLAIN), with Neo4j's EstimatedRows guesses from label counts. */
export function explainPlan(q: Query, text: string, graph: Graph, columns: string[]): PlanNode {
  const { root } = buildPlan(q, text, graph, columns);
  const strip = (n: PlanNode): PlanNode => {
    const { rows: _r, dbHits: _d, ...rest } = n;
    void _r;
    void _d;
    return { ...rest, children: n.children.map(strip) };
  };
  return strip(root);
}

/** A readable operator tree, like cypher-shell's plan table, for a notebook cell. */
export function formatPlan(root: PlanNode): string {
  const lines: string[] = [];
  const walk = (n: PlanNode, depth: number): void => {
    const counts = n.rows !== undefined ? `  rows ${n.rows}, db hits ${n.dbHits ?? 0}` : "";
    const details =
      typeof n.args.Details === "string" && n.args.Details ? `  ${n.args.Details}` : "";
    lines.push(`${"| ".repeat(depth)}+${n.operatorType}${details}${counts}`);
    n.children.forEach((c) => walk(c, depth + (n.children.length > 1 ? 1 : 0)));
  };
  walk(root, 0);
  return lines.join("\n");
}

/** A quantified path pattern's inner chain as the plan shows it, e.g. `(a)-[r:R]->(b)`. */
function quantifiedText(q: QuantifiedPath): string {
  const node = (n: NodePat): string => `(${n.v ?? ""}${n.labels.map((l) => ":" + l).join("")})`;
  let text = node(q.nodes[0]!);
  q.rels.forEach((r, i) => {
    const types = r.types.length ? ":" + r.types.join("|") : "";
    const body = r.v !== undefined || types ? `[${r.v ?? ""}${types}]` : "";
    text += `${r.dir === "in" ? "<-" : "-"}${body}${r.dir === "out" ? "->" : "-"}${node(q.nodes[i + 1]!)}`;
  });
  return text;
}
