import type {
  Clause,
  Expr,
  NodePat,
  PatternPart,
  Projection,
  Query,
  RelPat,
  ReturnItem,
  SingleQuery,
} from "./ast";
import { CypherError, positionAt } from "./errors";
import { isAggregateCall, walkExpr } from "./eval";
import { hasFunction } from "./functions";
import { SHOW_CONSTRAINT_ALL_COLUMNS, SHOW_INDEX_ALL_COLUMNS } from "./parser-neo4j5";

/** Static variable types tracked through a query. */
type VarType =
  | "node"
  | "rel"
  | "path"
  | "rellist"
  | "any"
  | "list"
  | "map"
  | "scalar"
  | "string"
  | "boolean"
  | "integer"
  | "float";
type Scope = Map<string, VarType>;

class Analyzer {
  constructor(private readonly text: string) {}

  fail(detail: string, msg: string, pos?: number): never {
    throw new CypherError(
      "SyntaxError",
      "compile time",
      detail,
      msg,
      pos !== undefined ? positionAt(this.text, pos) : undefined,
    );
  }

  query(q: Query, outer: Scope = new Map()): string[] {
    let cols: string[] | undefined;
    if (q.unionAll.length > 0 && new Set(q.unionAll).size > 1)
      this.fail("InvalidClauseComposition", "Invalid combination of UNION and UNION ALL");
    for (const p of q.parts) {
      const c = this.single(p, new Map(outer), q.parts.length > 1 || outer.size > 0);
      if (cols && (c.length !== cols.length || c.some((x, i) => x !== cols![i])))
        this.fail(
          "DifferentColumnsInUnion",
          "All sub queries in an UNION must have the same return column names",
        );
      cols = c;
    }
    return cols ?? [];
  }

  single(q: SingleQuery, scope: Scope, nested: boolean): string[] {
    const clauses = q.clauses;
    clauses.forEach((c, i) => {
      const last = i === clauses.length - 1;
      if (c.t === "return" && !last)
        this.fail("UnexpectedSyntax", "RETURN can only be used at the end of the query", c.pos);
      if (
        last &&
        ![
          "return",
          "create",
          "merge",
          "set",
          "remove",
          "delete",
          "call",
          "subquery",
          "foreach",
          "schema",
        ].includes(c.t) &&
        !nested
      )
        this.fail(
          "InvalidClauseComposition",
          "Query cannot conclude with " +
            c.t.toUpperCase() +
            " (must be RETURN or an update clause)",
          c.pos,
        );
      if (c.t === "call" && c.yieldStar && clauses.length > 1)
        this.fail(
          "UnexpectedSyntax",
          "YIELD * is only allowed in a standalone procedure call",
          c.pos,
        );
      scope = this.clause(c, scope, clauses.length === 1);
    });
    const last = clauses[clauses.length - 1]!;
    if (last.t === "return") return this.projectionColumns(last);
    if (last.t === "call" && clauses.length === 1) return (last.yields ?? []).map((y) => y.alias);
    return [];
  }

  projectionColumns(p: Projection & { starVars?: string[] }): string[] {
    return [...(p.starVars ?? []), ...p.items.map((i) => i.alias)];
  }

  // ------------------------------------------------------------ clauses
  clause(c: Clause, scope: Scope, standalone: boolean): Scope {
    switch (c.t) {
      case "match": {
        const s = new Map(scope);
        this.patterns(c.patterns, s, "match");
        if (c.where) this.expr(c.where, s, { noAgg: "WHERE" });
        return s;
      }
      case "unwind": {
        this.expr(c.expr, scope, { noAgg: "UNWIND" });
        if (scope.has(c.v))
          this.fail("VariableAlreadyBound", `Variable \`${c.v}\` already declared`, c.pos);
        const s = new Map(scope);
        s.set(c.v, "any");
        return s;
      }
      case "with":
      case "return":
        return this.projection(c, scope, c.t === "with" ? c.where : undefined);
      case "create": {
        const s = new Map(scope);
        this.patterns(c.patterns, s, "create");
        return s;
      }
      case "merge": {
        const s = new Map(scope);
        this.patterns([c.pattern], s, "merge");
        for (const it of [...c.onCreate, ...c.onMatch]) this.setItem(it, s);
        return s;
      }
      case "set":
        for (const it of c.items) this.setItem(it, scope);
        return scope;
      case "remove":
        for (const it of c.items) {
          if (it.kind === "prop") this.expr(it.target, scope, { noAgg: "REMOVE" });
          else this.varRef(it.v, scope, it.pos);
        }
        return scope;
      case "delete":
        for (const e of c.exprs) {
          this.expr(e, scope, { noAgg: "DELETE" });
          if (e.t === "labels")
            this.fail(
              "InvalidDelete",
              "Cannot delete a label or relationship type; use REMOVE",
              c.pos,
            );
          const t = this.staticType(e, scope);
          if (t && !["node", "rel", "path", "any", "null", "list"].includes(t))
            this.fail("InvalidArgumentType", "DELETE expects a node, relationship or path", c.pos);
        }
        return scope;
      case "call": {
        if (c.args) for (const a of c.args) this.expr(a, scope, { noAgg: "CALL" });
        else if (!standalone)
          this.fail(
            "InvalidArgumentPassingMode",
            "Procedure call inside a query does not support passing arguments implicitly",
            c.pos,
          );
        const s = new Map(scope);
        for (const y of c.yields ?? []) {
          if (s.has(y.alias))
            this.fail("VariableAlreadyBound", `Variable \`${y.alias}\` already declared`, c.pos);
          s.set(y.alias, "any");
        }
        if (c.where) this.expr(c.where, s, { noAgg: "WHERE" });
        return s;
      }
      case "foreach": {
        this.expr(c.list, scope, { noAgg: "FOREACH" });
        let inner: Scope = new Map(scope);
        inner.set(c.v, this.elementType(c.list, scope));
        for (const b of c.body) {
          if (!["create", "merge", "set", "remove", "delete", "foreach"].includes(b.t))
            this.fail(
              "InvalidClauseComposition",
              "Only updating clauses are allowed inside FOREACH",
              b.pos,
            );
          inner = this.clause(b, inner, false);
        }
        return scope;
      }
      case "subquery": {
        let inner = new Map(scope);
        if (c.scope && !c.scopeAll) {
          inner = new Map();
          for (const v of c.scope) {
            if (!scope.has(v))
              this.fail("UndefinedVariable", `Variable \`${v}\` not defined`, c.pos);
            inner.set(v, scope.get(v)!);
          }
        }
        const cols = this.query(c.query, inner);
        const s = new Map(scope);
        for (const col of cols) s.set(col, "any");
        return s;
      }
      case "schema": {
        if (c.command.kind !== "show") return scope;
        const s = new Map(scope);
        for (const col of c.command.what === "INDEXES"
          ? SHOW_INDEX_ALL_COLUMNS
          : SHOW_CONSTRAINT_ALL_COLUMNS)
          s.set(col, "any");
        return s;
      }
    }
  }

  setItem(it: Extract<Clause, { t: "set" }>["items"][number], scope: Scope): void {
    switch (it.kind) {
      case "prop":
        this.expr(it.target, scope, { noAgg: "SET" });
        this.expr(it.value, scope, { noAgg: "SET" });
        return;
      case "replace":
      case "merge":
        this.varRef(it.v, scope, it.pos);
        this.expr(it.value, scope, { noAgg: "SET" });
        return;
      case "labels":
        this.varRef(it.v, scope, it.pos);
        return;
    }
  }

  varRef(v: string, scope: Scope, pos: number): void {
    if (!scope.has(v)) this.fail("UndefinedVariable", `Variable \`${v}\` not defined`, pos);
  }

  // ------------------------------------------------------------ patterns
  patterns(parts: PatternPart[], scope: Scope, mode: "match" | "create" | "merge" | "expr"): void {
    const before = new Map(scope);
    const relsHere = new Set<string>();
    for (const part of parts) {
      if (part.v !== undefined) {
        if (
          scope.has(part.v) ||
          part.nodes.some((n) => n.v === part.v) ||
          part.rels.some((r) => r.v === part.v)
        )
          this.fail("VariableAlreadyBound", `Variable \`${part.v}\` already declared`, part.pos);
      }
      if (part.shortest) {
        if (mode !== "match" && mode !== "expr")
          this.fail("UnexpectedSyntax", "shortestPath is only allowed in MATCH", part.pos);
        const r = part.rels[0];
        if (part.rels.length !== 1 && !part.rels.some((x) => x.qpp))
          this.fail(
            "InvalidShortestPath",
            "shortestPath requires a single relationship pattern",
            part.pos,
          );
        if (r && part.k === undefined && r.varLength?.min !== undefined && r.varLength.min > 1)
          this.fail("InvalidShortestPath", "shortestPath minimal length must be 0 or 1", part.pos);
      }
      part.nodes.forEach((n, i) => {
        this.nodePattern(
          n,
          scope,
          before,
          mode,
          part.nodes.length === 1 && part.v === undefined,
          i,
        );
      });
      for (const r of part.rels)
        if (r.qpp) this.quantifiedPath(r, scope, before, mode, relsHere);
        else this.relPattern(r, scope, before, mode, relsHere);
      if (part.v !== undefined) scope.set(part.v, "path");
    }
  }

  /**
   * A quantified path pattern: its variables are new (group variables), single values inside (and in
   * its WHERE, which sees them and the variables bound before the MATCH), lists of every iteration's
   * values after it.
   */
  quantifiedPath(
    r: RelPat,
    scope: Scope,
    before: Scope,
    mode: string,
    relsHere: Set<string>,
  ): void {
    const q = r.qpp!;
    if (mode === "create" || mode === "merge")
      this.fail(
        "UnexpectedSyntax",
        `Quantified path patterns cannot be used in ${mode.toUpperCase()}`,
        r.pos,
      );
    for (const v of q.vars)
      if (scope.has(v))
        this.fail(
          "VariableAlreadyBound",
          `Variable \`${v}\` is already declared: the variables of a quantified path pattern must be new (they become lists of each iteration's values)`,
          r.pos,
        );
    // inside, only variables bound before this MATCH are visible (as in Neo4j)
    const inner = new Map(before);
    const innerBefore = new Map(before);
    q.nodes.forEach((n, i) => this.nodePattern(n, inner, innerBefore, "match", false, i));
    for (const rel of q.rels) this.relPattern(rel, inner, innerBefore, "match", relsHere);
    if (q.where) this.expr(q.where, inner, { noAgg: "WHERE" });
    for (const v of q.vars) scope.set(v, "list");
  }

  nodePattern(
    n: NodePat,
    scope: Scope,
    before: Scope,
    mode: string,
    alone: boolean,
    _i: number,
  ): void {
    if ((n.anyOf || n.labelExpr) && (mode === "create" || mode === "merge"))
      this.fail(
        "InvalidLabelExpression",
        "Label alternatives (:A|B) cannot be used in " + mode.toUpperCase(),
        n.pos,
      );
    if (n.props) {
      if (n.props.t === "param" && mode !== "create")
        this.fail("InvalidParameterUse", "Parameter maps cannot be used in MATCH patterns", n.pos);
      this.expr(n.props, scope, { noAgg: "pattern" });
    }
    if (n.v === undefined) return;
    const t = scope.get(n.v);
    if (t !== undefined && t !== "node" && t !== "any")
      this.fail(
        "VariableTypeConflict",
        `Type mismatch: \`${n.v}\` defined with conflicting type (expected Node)`,
        n.pos,
      );
    if (
      (mode === "create" || mode === "merge") &&
      (before.has(n.v) || scope.has(n.v)) &&
      (n.labels.length > 0 || n.props || alone)
    )
      this.fail(
        "VariableAlreadyBound",
        `Can't create node \`${n.v}\` with labels or properties here. The variable is already declared in this context`,
        n.pos,
      );
    if (mode === "expr" && t === undefined)
      this.fail("UndefinedVariable", `Variable \`${n.v}\` not defined`, n.pos);
    if (t === undefined || t === "any") scope.set(n.v, "node");
  }

  relPattern(r: RelPat, scope: Scope, before: Scope, mode: string, relsHere: Set<string>): void {
    if (r.props) {
      if (r.props.t === "param" && mode !== "create")
        this.fail("InvalidParameterUse", "Parameter maps cannot be used in MATCH patterns", r.pos);
      this.expr(r.props, scope, { noAgg: "pattern" });
    }
    if ((mode === "create" || mode === "merge") && r.v !== undefined && before.has(r.v))
      this.fail(
        "VariableAlreadyBound",
        `Can't create relationship \`${r.v}\`: the variable is already declared`,
        r.pos,
      );
    if (mode === "create" || mode === "merge") {
      if (r.types.length !== 1)
        this.fail(
          "NoSingleRelationshipType",
          "A single relationship type must be specified for " + mode.toUpperCase(),
          r.pos,
        );
      if (r.dir === "both" && mode === "create")
        this.fail(
          "RequiresDirectedRelationship",
          "Only directed relationships are supported in CREATE",
          r.pos,
        );
      if (r.varLength)
        this.fail(
          "CreatingVarLength",
          "Variable length relationships cannot be used in " + mode.toUpperCase(),
          r.pos,
        );
    }
    if (r.v === undefined) return;
    const t = scope.get(r.v);
    if (r.varLength) {
      if (t !== undefined && t !== "rellist" && t !== "any" && t !== "list")
        this.fail(
          "VariableTypeConflict",
          `Type mismatch: \`${r.v}\` defined with conflicting type`,
          r.pos,
        );
    } else if (t !== undefined && t !== "rel" && t !== "any")
      this.fail(
        "VariableTypeConflict",
        `Type mismatch: \`${r.v}\` defined with conflicting type (expected Relationship)`,
        r.pos,
      );
    if ((mode === "create" || mode === "merge") && before.has(r.v))
      this.fail(
        "VariableAlreadyBound",
        `Can't create relationship \`${r.v}\`: the variable is already declared`,
        r.pos,
      );
    if (relsHere.has(r.v))
      this.fail(
        "RelationshipUniquenessViolation",
        `Cannot use the same relationship variable '${r.v}' for multiple relationships`,
        r.pos,
      );
    if (mode === "expr" && t === undefined)
      this.fail("UndefinedVariable", `Variable \`${r.v}\` not defined`, r.pos);
    relsHere.add(r.v);
    if (t === undefined || t === "any") scope.set(r.v, r.varLength ? "rellist" : "rel");
  }

  // ------------------------------------------------------------ projections
  projection(
    p: Projection & { starVars?: string[]; pos: number; t: string },
    scope: Scope,
    where?: Expr,
  ): Scope {
    const isWith = p.t === "with";
    if (p.star) {
      const vars = [...scope.keys()].filter((k) => !k.startsWith("  ")).sort();
      // `WITH *` may pass on an empty scope (e.g. MATCH () CREATE () WITH * …); `RETURN *` must return something
      if (vars.length === 0 && !isWith && p.items.length === 0)
        this.fail(
          "NoVariablesInScope",
          "RETURN * is not allowed when there are no variables in scope",
          p.pos,
        );
      p.starVars = vars.filter((v) => !p.items.some((i) => i.alias === v));
    }
    const seen = new Set<string>(p.starVars ?? []);
    for (const it of p.items) {
      if (seen.has(it.alias))
        this.fail(
          "ColumnNameConflict",
          `Multiple result columns with the same name are not supported: ${it.alias}`,
          it.pos,
        );
      seen.add(it.alias);
      this.expr(it.expr, scope, {});
    }
    const aggregating = p.items.some((it) => containsAgg(it.expr));
    if (aggregating) this.checkAmbiguous(p.items);
    const out: Scope = new Map();
    for (const v of p.starVars ?? []) out.set(v, scope.get(v)!);
    for (const it of p.items)
      out.set(
        it.alias,
        it.expr.t === "var" ? (scope.get(it.expr.name) ?? "any") : this.exprVarType(it.expr, scope),
      );
    const restricted = aggregating || p.distinct;
    if (p.order) {
      // ORDER BY sees the projected names, and (without DISTINCT/aggregation) the earlier variables too
      for (const o of p.order) {
        const hasAgg = containsAgg(o.expr);
        if (!aggregating && hasAgg)
          this.fail(
            "InvalidAggregation",
            "Aggregation in ORDER BY requires an aggregating projection",
            p.pos,
          );
        if (!restricted) {
          this.expr(o.expr, new Map([...scope, ...out]), {});
          continue;
        }
        this.expr(o.expr, new Map([...scope, ...out]), {});
        o.expr = this.restrictToProjection(o.expr, p.items, out, hasAgg);
      }
    }
    for (const [e, what] of [
      [p.skip, "SKIP"],
      [p.limit, "LIMIT"],
    ] as const) {
      if (!e) continue;
      let dependent = false;
      walkExpr(e, (x) => {
        if (x.t === "var" || x.t === "pattern" || x.t === "patternComp" || x.t === "exists")
          dependent = true;
        return true;
      });
      if (dependent)
        this.fail(
          "NonConstantExpression",
          `It is not allowed to refer to variables in ${what}`,
          p.pos,
        );
      if (e.t === "lit") {
        if (typeof e.v !== "bigint")
          this.fail(
            "InvalidArgumentType",
            `${what}: Invalid input. '${String(e.v)}' is not a valid value. Must be a non-negative integer.`,
            p.pos,
          );
        if (e.v < 0n)
          this.fail(
            "NegativeIntegerArgument",
            `${what}: Invalid input. '${e.v}' is not a valid value. Must be a non-negative integer.`,
            p.pos,
          );
      }
    }
    if (where) {
      this.expr(where, new Map([...scope, ...out]), { noAgg: "WHERE" });
      if (restricted) {
        const rewritten = this.restrictToProjection(where, p.items, out, false);
        (p as { where?: Expr }).where = rewritten;
      }
    }
    for (const it of p.items)
      if (isWith && !it.explicit && it.expr.t !== "var")
        this.fail("NoExpressionAlias", "Expression in WITH must be aliased (use AS)", it.pos);
    return out;
  }

  /**
   * After DISTINCT or aggregation only projected names survive: sub-expressions equal to a projected
   * expression read the projected column; anything else that names an old variable is an error.
   */
  restrictToProjection(e: Expr, items: ReturnItem[], out: Scope, hasAgg: boolean): Expr {
    const replace = (x: Expr, outsideAgg: boolean): Expr => {
      const item = items.find(
        (it) =>
          exprEquals(it.expr, x) &&
          (!hasAgg || !outsideAgg || x.t === "var" || x.t === "prop" || isAggregateCall(x)),
      );
      if (item && !(x.t === "var" && x.name === item.alias))
        return { t: "var", name: item.alias, pos: 0 };
      if (x.t === "var") {
        if (!out.has(x.name)) {
          const usedByKey = items.some((it) => !containsAgg(it.expr) && mentions(it.expr, x.name));
          if (hasAgg && outsideAgg && usedByKey)
            this.fail(
              "AmbiguousAggregationExpression",
              "Aggregation expression in ORDER BY uses non-grouping variables",
              x.pos,
            );
          this.fail("UndefinedVariable", `Variable \`${x.name}\` not defined`, x.pos);
        }
        return x;
      }
      return mapChildren(x, (c) => replace(c, outsideAgg && !isAggregateCall(x)));
    };
    return replace(e, true);
  }

  /** In an aggregating projection, non-aggregated parts must be grouping keys. */
  checkAmbiguous(items: ReturnItem[]): void {
    const keys = items.filter((it) => !containsAgg(it.expr));
    for (const it of items) {
      if (!containsAgg(it.expr)) continue;
      this.outsideAgg(it.expr, (e, stop) => {
        if (keys.some((k) => exprEquals(k.expr, e) && (e.t === "var" || e.t === "prop")))
          return stop();
        if (e.t === "var") {
          if (
            !keys.some((k) => k.expr.t === "var" && k.expr.name === e.name) &&
            !keys.some((k) => k.alias === e.name && k.alias !== "  order")
          )
            this.fail(
              "AmbiguousAggregationExpression",
              "Aggregation column contains implicit grouping expressions",
              it.pos,
            );
        }
      });
    }
  }

  /** Visit sub-expressions that are not inside aggregate calls nor local scopes. */
  outsideAgg(e: Expr, f: (e: Expr, stop: () => void) => void): void {
    walkExpr(e, (x) => {
      if (isAggregateCall(x)) return false;
      if (x.t === "listComp" || x.t === "quant" || x.t === "reduce" || x.t === "patternComp")
        return false;
      let stopped = false;
      f(x, () => {
        stopped = true;
      });
      return !stopped;
    });
  }

  /** Static element type of a list literal whose elements all share one scalar type. */
  elementType(list: Expr, scope: Scope): VarType {
    if (list.t !== "list" || list.items.length === 0) return "any";
    const ts = new Set(list.items.map((i) => this.staticType(i, scope)));
    if (ts.size !== 1) return "any";
    const t = [...ts][0];
    return t === "string" || t === "boolean" || t === "integer" || t === "float" ? t : "any";
  }

  exprVarType(e: Expr, scope: Scope): VarType {
    const t = this.staticType(e, scope);
    if (t === "node" || t === "rel" || t === "path") return t;
    if (t === "list") return "list";
    if (t === "map") return "map";
    if (t === "string" || t === "boolean" || t === "integer" || t === "float") return t;
    if (t && t !== "any" && t !== "null") return "scalar";
    return "any";
  }

  /** Best-effort static type: "node", "rel", "path", "list", "map", "string", "integer", "float", "boolean", "null" or "any". */
  staticType(e: Expr, scope: Scope): string | undefined {
    switch (e.t) {
      case "lit":
        if (e.v === null) return "null";
        if (typeof e.v === "boolean") return "boolean";
        if (typeof e.v === "bigint") return "integer";
        if (typeof e.v === "number") return "float";
        if (typeof e.v === "string") return "string";
        return "any";
      case "list":
      case "listComp":
      case "patternComp":
        return "list";
      case "map":
      case "mapProj":
        return "map";
      case "var": {
        const t = scope.get(e.name);
        if (t === "node" || t === "rel" || t === "path" || t === "list" || t === "map") return t;
        if (t === "string" || t === "boolean" || t === "integer" || t === "float") return t;
        if (t === "rellist") return "list";
        return "any";
      }
      case "not":
      case "isnull":
      case "labels":
      case "pattern":
      case "exists":
      case "quant":
      case "typeIs":
        return "boolean";
      case "countSub":
        return "integer";
      case "collectSub":
        return "list";
      case "bin": {
        if (
          [
            "AND",
            "OR",
            "XOR",
            "=",
            "<>",
            "<",
            ">",
            "<=",
            ">=",
            "IN",
            "STARTS WITH",
            "ENDS WITH",
            "CONTAINS",
            "=~",
          ].includes(e.op)
        )
          return "boolean";
        const l = this.staticType(e.l, scope);
        const r = this.staticType(e.r, scope);
        if (
          ["-", "*", "/", "%", "^"].includes(e.op) ||
          (e.op === "+" && l !== "string" && r !== "string" && l !== "list" && r !== "list")
        ) {
          if (l === "integer" && r === "integer") return e.op === "^" ? "float" : "integer";
          if ((l === "integer" || l === "float") && (r === "integer" || r === "float"))
            return "float";
        }
        if (e.op === "+" && l === "string" && r === "string") return "string";
        return "any";
      }
      case "neg": {
        const t = this.staticType(e.e, scope);
        return t === "integer" || t === "float" ? t : "any";
      }
      default:
        return "any";
    }
  }

  // ------------------------------------------------------------ expressions
  expr(e: Expr, scope: Scope, opts: { noAgg?: string; inAgg?: boolean }): void {
    const rec = (x: Expr, s: Scope = scope, o = opts): void => this.expr(x, s, o);
    switch (e.t) {
      case "var":
        if (!scope.has(e.name))
          this.fail("UndefinedVariable", `Variable \`${e.name}\` not defined`, e.pos);
        return;
      case "lit":
      case "param":
        return;
      case "prop": {
        rec(e.obj);
        const t = this.staticType(e.obj, scope);
        if (t === "path")
          this.fail(
            "InvalidArgumentType",
            "Type mismatch: expected Map, Node or Relationship but was Path",
          );
        if (t && ["integer", "float", "boolean", "string", "list"].includes(t))
          throw new CypherError(
            "TypeError",
            "compile time",
            "InvalidArgumentType",
            `Type mismatch: expected Map, Node or Relationship but was ${t}`,
          );
        return;
      }
      case "index": {
        rec(e.obj);
        rec(e.idx);
        const ot = this.staticType(e.obj, scope);
        const it = this.staticType(e.idx, scope);
        if (ot === "list" && it && ["float", "boolean", "string", "list", "map"].includes(it))
          throw new CypherError(
            "TypeError",
            "compile time",
            "InvalidArgumentType",
            "Type mismatch: list index must be an integer",
          );
        if (ot && ["integer", "float", "boolean"].includes(ot))
          throw new CypherError(
            "TypeError",
            "compile time",
            "InvalidArgumentType",
            "Type mismatch: cannot index a scalar",
          );
        return;
      }
      case "slice":
        rec(e.obj);
        if (e.from) rec(e.from);
        if (e.to) rec(e.to);
        return;
      case "list":
        e.items.forEach((x) => rec(x));
        return;
      case "map":
        e.entries.forEach(([, x]) => rec(x));
        return;
      case "mapProj":
        rec(e.obj);
        for (const it of e.items) {
          if (it.kind === "lit") rec(it.expr);
          if (it.kind === "var" && !scope.has(it.name))
            this.fail("UndefinedVariable", `Variable \`${it.name}\` not defined`);
        }
        return;
      case "bin": {
        rec(e.l);
        rec(e.r);
        if (["-", "*", "/", "%", "^"].includes(e.op)) {
          for (const side of [e.l, e.r]) {
            const t = this.staticType(side, scope);
            if (t === "string" || t === "boolean")
              this.fail("InvalidArgumentType", `Type mismatch: cannot apply ${e.op} to ${t}`);
          }
        }
        if (e.op === "IN") {
          const t = this.staticType(e.r, scope);
          if (
            t &&
            ["integer", "float", "boolean", "string", "map", "node", "rel", "path"].includes(t) &&
            e.r.t !== "var"
          )
            this.fail("InvalidArgumentType", `Type mismatch: expected List but was ${t}`);
        }
        if (e.op === "AND" || e.op === "OR" || e.op === "XOR") {
          for (const side of [e.l, e.r]) {
            const t = this.staticType(side, scope);
            if (t && !["boolean", "null", "any"].includes(t) && side.t !== "var")
              this.fail("InvalidArgumentType", `Type mismatch: expected Boolean but was ${t}`);
          }
        }
        return;
      }
      case "not": {
        rec(e.e);
        const t = this.staticType(e.e, scope);
        if (t && !["boolean", "null", "any"].includes(t) && e.e.t !== "var")
          this.fail("InvalidArgumentType", `Type mismatch: expected Boolean but was ${t}`);
        return;
      }
      case "neg":
      case "isnull":
      case "labels":
      case "typeIs":
        rec(e.e);
        return;
      case "collectSub": {
        const writes = e.query.parts.some((p) =>
          p.clauses.some((c) =>
            ["create", "merge", "set", "remove", "delete", "foreach"].includes(c.t),
          ),
        );
        if (writes)
          this.fail(
            "InvalidClauseComposition",
            "Subquery expressions cannot contain updating clauses",
          );
        for (const part of e.query.parts) {
          const last = part.clauses[part.clauses.length - 1]!;
          if (last.t !== "return" || last.star || last.items.length !== 1)
            this.fail(
              "InvalidClauseComposition",
              "A COLLECT subquery must end with a RETURN clause returning exactly one column",
              last.pos,
            );
        }
        this.query(e.query, new Map(scope));
        return;
      }
      case "call": {
        const name = e.name.toLowerCase();
        if (isAggregateCall(e)) {
          if (opts.noAgg)
            this.fail("InvalidAggregation", `Aggregation is not allowed in ${opts.noAgg}`, e.pos);
          if (opts.inAgg)
            this.fail(
              "NestedAggregation",
              "Can't use aggregate functions inside of aggregate functions.",
              e.pos,
            );
          e.args.forEach((x) => rec(x, scope, { ...opts, inAgg: true }));
          for (const a of e.args)
            walkExpr(a, (x) => {
              if (x.t === "call" && x.name.toLowerCase() === "rand")
                this.fail(
                  "NonConstantExpression",
                  "Can't use non-deterministic (random) functions inside of aggregate functions.",
                  e.pos,
                );
              return true;
            });
          if ((name === "percentilecont" || name === "percentiledisc") && e.args.length !== 2)
            this.fail("InvalidNumberOfArguments", `${e.name}() requires 2 arguments`, e.pos);
          if (
            !e.star &&
            name !== "percentilecont" &&
            name !== "percentiledisc" &&
            e.args.length !== 1
          )
            this.fail("InvalidNumberOfArguments", `${e.name}() requires 1 argument`, e.pos);
          return;
        }
        if (!hasFunction(name)) this.fail("UnknownFunction", `Unknown function '${e.name}'`, e.pos);
        const arity = ARITY[name];
        if (arity && (e.args.length < arity[0] || e.args.length > arity[1]))
          this.fail(
            "InvalidNumberOfArguments",
            `Function ${e.name}() called with the wrong number of arguments`,
            e.pos,
          );
        for (const a of e.args) {
          if (name === "exists" && a.t === "pattern") this.patternExpr(a.pattern, scope);
          else rec(a);
        }
        const want = ARG_TYPES[name];
        const a0 = e.args[0];
        if (want && a0 && a0.t !== "var" && a0.t !== "param") {
          const t = this.staticType(a0, scope);
          if (t && t !== "any" && t !== "null" && !want.includes(t))
            this.fail(
              "InvalidArgumentType",
              `Type mismatch: ${e.name}() does not accept ${t}`,
              e.pos,
            );
        }
        if (want && a0 && a0.t === "var") {
          const t = scope.get(a0.name);
          if ((t === "node" || t === "rel" || t === "path") && !want.includes(t))
            this.fail(
              "InvalidArgumentType",
              `Type mismatch: ${e.name}() does not accept ${t}`,
              e.pos,
            );
        }
        if (name === "exists" && e.args[0] && !["prop", "pattern", "index"].includes(e.args[0].t))
          this.fail("InvalidArgumentType", "exists() expects a property or a pattern", e.pos);
        return;
      }
      case "case":
        if (e.test) rec(e.test);
        e.whens.forEach(([a, b]) => {
          rec(a);
          rec(b);
        });
        if (e.else) rec(e.else);
        return;
      case "listComp":
      case "quant": {
        rec(e.list);
        const inner = new Map(scope);
        inner.set(e.v, this.elementType(e.list, scope));
        if (e.where) this.expr(e.where, inner, { ...opts, noAgg: opts.noAgg ?? "list predicates" });
        if (e.t === "listComp" && e.proj)
          this.expr(e.proj, inner, { ...opts, noAgg: opts.noAgg ?? "list comprehensions" });
        return;
      }
      case "reduce": {
        rec(e.init);
        rec(e.list);
        const inner = new Map(scope);
        inner.set(e.acc, "any");
        inner.set(e.v, "any");
        this.expr(e.expr, inner, { ...opts, noAgg: "reduce" });
        return;
      }
      case "patternComp": {
        const inner = new Map(scope);
        this.patterns([e.pattern], inner, "match");
        if (e.where) this.expr(e.where, inner, { noAgg: "WHERE" });
        this.expr(e.proj, inner, opts);
        return;
      }
      case "pattern":
        this.patternExpr(e.pattern, scope);
        return;
      case "exists":
      case "countSub": {
        if (e.query) {
          const writes = e.query.parts.some((p) =>
            p.clauses.some((c) => ["create", "merge", "set", "remove", "delete"].includes(c.t)),
          );
          if (writes)
            this.fail(
              "InvalidClauseComposition",
              "Subquery expressions cannot contain updating clauses",
            );
          this.query(e.query, new Map(scope));
          return;
        }
        const inner = new Map(scope);
        this.patterns(e.patterns!, inner, "match");
        if (e.where) this.expr(e.where, inner, { noAgg: "WHERE" });
        return;
      }
    }
  }

  /** Pattern predicates may not introduce new variables. */
  patternExpr(p: PatternPart, scope: Scope): void {
    const inner = new Map(scope);
    this.patterns([p], inner, "expr");
  }
}

const ARG_TYPES: Record<string, string[]> = {
  size: ["string", "list"],
  type: ["rel"],
  properties: ["map", "node", "rel"],
  labels: ["node"],
  nodes: ["path"],
  relationships: ["path"],
  length: ["path"],
  startnode: ["rel"],
  endnode: ["rel"],
  keys: ["map", "node", "rel"],
};

/** Rebuild an expression with transformed direct children (local scopes are left untouched). */
function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.t) {
    case "prop":
      return { ...e, obj: f(e.obj) };
    case "index":
      return { ...e, obj: f(e.obj), idx: f(e.idx) };
    case "slice":
      return { ...e, obj: f(e.obj), from: e.from && f(e.from), to: e.to && f(e.to) };
    case "list":
      return { ...e, items: e.items.map(f) };
    case "map":
      return { ...e, entries: e.entries.map(([k, v]): [string, Expr] => [k, f(v)]) };
    case "bin":
      return { ...e, l: f(e.l), r: f(e.r) };
    case "not":
    case "neg":
    case "isnull":
    case "labels":
    case "typeIs":
      return { ...e, e: f(e.e) };
    case "call":
      return { ...e, args: e.args.map(f) };
    case "case":
      return {
        ...e,
        test: e.test && f(e.test),
        whens: e.whens.map(([a, b]): [Expr, Expr] => [f(a), f(b)]),
        else: e.else && f(e.else),
      };
    case "mapProj":
      return {
        ...e,
        obj: f(e.obj),
        items: e.items.map((i) => (i.kind === "lit" ? { ...i, expr: f(i.expr) } : i)),
      };
    default:
      return e;
  }
}

const ARITY: Record<string, [number, number]> = {
  id: [1, 1],
  type: [1, 1],
  labels: [1, 1],
  keys: [1, 1],
  properties: [1, 1],
  length: [1, 1],
  size: [1, 1],
  head: [1, 1],
  last: [1, 1],
  tail: [1, 1],
  startnode: [1, 1],
  endnode: [1, 1],
  nodes: [1, 1],
  relationships: [1, 1],
  range: [2, 3],
  reverse: [1, 1],
  tostring: [1, 1],
  tointeger: [1, 1],
  tofloat: [1, 1],
  toboolean: [1, 1],
  coalesce: [1, 1000],
  substring: [2, 3],
  left: [2, 2],
  right: [2, 2],
  replace: [3, 3],
  split: [2, 2],
  toupper: [1, 1],
  tolower: [1, 1],
  trim: [1, 1],
  ltrim: [1, 1],
  rtrim: [1, 1],
  abs: [1, 1],
  ceil: [1, 1],
  floor: [1, 1],
  round: [1, 3],
  sign: [1, 1],
  sqrt: [1, 1],
  exp: [1, 1],
  log: [1, 1],
  log10: [1, 1],
  rand: [0, 0],
  pi: [0, 0],
  e: [0, 0],
  atan2: [2, 2],
  exists: [1, 1],
};

function mentions(e: Expr, name: string): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (x.t === "var" && x.name === name) found = true;
    return !found;
  });
  return found;
}

function containsAgg(e: Expr): boolean {
  let found = false;
  walkExpr(e, (x) => {
    if (isAggregateCall(x)) found = true;
    return !found && x.t !== "listComp" && x.t !== "patternComp";
  });
  return found;
}

function exprEquals(a: Expr, b: Expr): boolean {
  const norm = (k: string, v: unknown): unknown =>
    k === "pos" ? undefined : typeof v === "bigint" ? v.toString() + "n" : v;
  return JSON.stringify(a, norm) === JSON.stringify(b, norm);
}

/** Compile-time checks; returns the result columns. */
export function analyze(q: Query, text: string): string[] {
  return new Analyzer(text).query(q);
}
