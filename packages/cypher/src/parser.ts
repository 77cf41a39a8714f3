import { tokenize, UNICODE_DASH, UNICODE_GT, UNICODE_LT, type Token } from "./lexer";
import { syntaxError, positionAt, CypherError } from "./errors";
import type {
  Clause,
  Expr,
  LabelExpr,
  MapProjItem,
  NodePat,
  OrderItem,
  PatternPart,
  Projection,
  Query,
  RelPat,
  RemoveItem,
  ReturnItem,
  SetItem,
  SingleQuery,
} from "./ast";
import { parseSchemaCommand, parseType, unsupported } from "./parser-neo4j5";

const INT_MAX = 9223372036854775807n;

/** Recursive-descent parser for openCypher. Errors are SyntaxErrors with line/column positions. */
export class Parser {
  i = 0;
  readonly toks: Token[];
  /** >0 while parsing the WHERE of a list/pattern comprehension, where `|` ends the predicate */
  private noLabelOr = 0;
  /** while parsing a quantified path pattern's body: inline `(n WHERE …)` / `[r WHERE …]` predicates */
  private inlineWhere: Expr[] | undefined;
  constructor(readonly src: string) {
    this.toks = tokenize(src);
  }

  // ---------------------------------------------------------------- token helpers
  get tok(): Token {
    return this.toks[this.i]!;
  }
  peek(k = 1): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }
  err(msg: string, t: Token = this.tok, detail = "UnexpectedSyntax"): CypherError {
    return syntaxError(detail, msg, positionAt(this.src, t.pos));
  }
  unexpected(expected: string): CypherError {
    const t = this.tok;
    if (t.k === "punct" && t.s.startsWith("~"))
      return this.err(
        `Invalid input '${this.src.slice(t.pos, t.end)}': this unicode character is only allowed in relationship patterns`,
        t,
        "InvalidUnicodeCharacter",
      );
    const shown = t.k === "eof" ? "end of input" : `'${this.src.slice(t.pos, t.end)}'`;
    return this.err(`Invalid input ${shown}: expected ${expected}`);
  }
  /** Kind test that TypeScript does not narrow across token consumption. */
  kindIs(k: Token["k"]): boolean {
    return this.tok.k === k;
  }
  isKw(w: string, t: Token = this.tok): boolean {
    return t.k === "ident" && t.s.toUpperCase() === w;
  }
  acceptKw(...ws: string[]): boolean {
    for (let k = 0; k < ws.length; k++) if (!this.isKw(ws[k]!, this.peek(k))) return false;
    this.i += ws.length;
    return true;
  }
  expectKw(...ws: string[]): void {
    if (!this.acceptKw(...ws)) throw this.unexpected(ws.join(" "));
  }
  isP(s: string, t: Token = this.tok): boolean {
    return t.k === "punct" && t.s === s;
  }
  /** ASCII or unicode dash / angle bracket (the latter only count inside relationship patterns). */
  private isDash(t: Token = this.tok): boolean {
    return this.isP("-", t) || this.isP(UNICODE_DASH, t);
  }
  private acceptAny(...ss: string[]): boolean {
    if (this.tok.k === "punct" && ss.includes(this.tok.s)) {
      this.i++;
      return true;
    }
    return false;
  }
  acceptP(s: string): boolean {
    if (this.isP(s)) {
      this.i++;
      return true;
    }
    return false;
  }
  expectP(s: string): Token {
    if (!this.isP(s)) throw this.unexpected(`'${s}'`);
    return this.toks[this.i++]!;
  }
  name(): string {
    const t = this.tok;
    if (t.k === "ident" || t.k === "qident") {
      this.i++;
      return t.s;
    }
    throw this.unexpected("an identifier");
  }
  symbolicName(): string {
    return this.name();
  }

  // ---------------------------------------------------------------- query structure
  parseQuery(): Query {
    let mode: Query["mode"];
    if (this.acceptKw("EXPLAIN")) mode = "explain";
    else if (this.acceptKw("PROFILE")) mode = "profile";
    const q = this.query();
    if (mode) q.mode = mode;
    this.acceptP(";");
    if (this.tok.k !== "eof") throw this.unexpected("end of query");
    q.paramNames = [...new Set(this.toks.filter((t) => t.k === "param").map((t) => t.s))];
    return q;
  }

  query(): Query {
    const parts: SingleQuery[] = [this.singleQuery()];
    const unionAll: boolean[] = [];
    while (this.isKw("UNION")) {
      this.i++;
      unionAll.push(this.acceptKw("ALL"));
      parts.push(this.singleQuery());
    }
    return { parts, unionAll };
  }

  private singleQuery(): SingleQuery {
    const schema = parseSchemaCommand(this);
    if (schema) return { clauses: schema };
    const clauses: Clause[] = [];
    for (;;) {
      const c = this.clause();
      if (!c) break;
      clauses.push(c);
    }
    if (clauses.length === 0) throw this.unexpected("a clause");
    return { clauses };
  }

  private clause(): Clause | undefined {
    const t = this.tok;
    const pos = t.pos;
    if (t.k !== "ident") return undefined;
    const w = t.s.toUpperCase();
    switch (w) {
      case "MATCH":
        this.i++;
        return this.matchRest(false, pos);
      case "OPTIONAL":
        this.i++;
        if (this.acceptKw("CALL")) {
          const c = this.callRest(pos);
          if (c.t !== "subquery")
            throw this.err(
              "OPTIONAL CALL of a procedure is not supported; use OPTIONAL CALL { … }",
              t,
            );
          return { ...c, optional: true };
        }
        this.expectKw("MATCH");
        return this.matchRest(true, pos);
      case "UNWIND": {
        this.i++;
        const expr = this.expr();
        this.expectKw("AS");
        return { t: "unwind", expr, v: this.name(), pos };
      }
      case "WITH": {
        this.i++;
        const p = this.projection(true);
        let where: Expr | undefined;
        if (this.acceptKw("WHERE")) where = this.expr();
        return { t: "with", ...p, where, pos };
      }
      case "RETURN":
        this.i++;
        return { t: "return", ...this.projection(false), pos };
      case "CREATE":
        this.i++;
        return { t: "create", patterns: this.patternList(), pos };
      case "MERGE": {
        this.i++;
        const pattern = this.patternPart();
        const onCreate: SetItem[] = [];
        const onMatch: SetItem[] = [];
        while (this.isKw("ON")) {
          this.i++;
          if (this.acceptKw("CREATE")) {
            this.expectKw("SET");
            onCreate.push(...this.setItems());
          } else if (this.acceptKw("MATCH")) {
            this.expectKw("SET");
            onMatch.push(...this.setItems());
          } else throw this.unexpected("CREATE or MATCH");
        }
        return { t: "merge", pattern, onCreate, onMatch, pos };
      }
      case "SET":
        this.i++;
        return { t: "set", items: this.setItems(), pos };
      case "REMOVE": {
        this.i++;
        const items: RemoveItem[] = [];
        do items.push(this.removeItem());
        while (this.acceptP(","));
        return { t: "remove", items, pos };
      }
      case "DELETE":
        this.i++;
        return { t: "delete", detach: false, exprs: this.exprList(), pos };
      case "DETACH":
        this.i++;
        this.expectKw("DELETE");
        return { t: "delete", detach: true, exprs: this.exprList(), pos };
      case "FOREACH": {
        // Neo4j's FOREACH (x IN list | updating clauses): not in the TCK, common in tutorials
        this.i++;
        this.expectP("(");
        const v = this.name();
        this.expectKw("IN");
        const list = this.expr();
        this.expectP("|");
        const body: Clause[] = [];
        for (let c = this.clause(); c; c = this.clause()) body.push(c);
        if (body.length === 0) throw this.unexpected("an updating clause");
        this.expectP(")");
        return { t: "foreach", v, list, body, pos };
      }
      case "CALL":
        this.i++;
        return this.callRest(pos);
      default:
        return undefined;
    }
  }

  private matchRest(optional: boolean, pos: number): Clause {
    const patterns = this.patternList();
    let where: Expr | undefined;
    if (this.acceptKw("WHERE")) where = this.expr();
    return { t: "match", optional, patterns, where, pos };
  }

  private callRest(pos: number): Clause {
    if (this.isP("{") || this.isP("(")) return this.subqueryRest(pos);
    let name = this.name();
    while (this.acceptP(".")) name += "." + this.name();
    let args: Expr[] | undefined;
    if (this.acceptP("(")) {
      args = [];
      if (!this.isP(")")) args = this.exprList();
      this.expectP(")");
    }
    let yields: { name: string; alias: string }[] | undefined;
    let yieldStar = false;
    let where: Expr | undefined;
    if (this.acceptKw("YIELD")) {
      if (this.acceptP("*")) yieldStar = true;
      else if (this.acceptP("-")) yields = [];
      else {
        yields = [];
        do {
          const n = this.name();
          const alias = this.acceptKw("AS") ? this.name() : n;
          yields.push({ name: n, alias });
        } while (this.acceptP(","));
        if (this.acceptKw("WHERE")) where = this.expr();
      }
    }
    return { t: "call", name, args, yields, yieldStar, where, pos };
  }

  /** `CALL { … }`, `CALL (a, b) { … }`, `CALL () { … }`, `CALL (*) { … }` */
  private subqueryRest(pos: number): Clause {
    let scope: string[] | undefined;
    let scopeAll = false;
    if (this.acceptP("(")) {
      scope = [];
      if (this.acceptP("*")) scopeAll = true;
      else if (!this.isP(")")) {
        do scope.push(this.name());
        while (this.acceptP(","));
      }
      this.expectP(")");
    }
    this.expectP("{");
    const query = this.query();
    this.expectP("}");
    if (
      this.isKw("IN") &&
      (this.isKw("TRANSACTIONS", this.peek()) ||
        this.isKw("CONCURRENT", this.peek()) ||
        this.peek().k === "int" ||
        this.peek().k === "param")
    )
      throw unsupported(
        this,
        "CALL { … } IN TRANSACTIONS",
        "4.4",
        "it commits in batches of their own, and here every query runs in one transaction; remove IN TRANSACTIONS to run the subquery in the query's transaction",
      );
    return scopeAll
      ? { t: "subquery", query, scope: [], scopeAll, pos }
      : { t: "subquery", query, scope, pos };
  }

  projection(isWith: boolean): Projection {
    const distinct = this.acceptKw("DISTINCT");
    let star = false;
    const items: ReturnItem[] = [];
    if (this.acceptP("*")) {
      star = true;
      if (!this.acceptP(",")) return this.projectionTail({ distinct, star, items });
    }
    do {
      const start = this.tok.pos;
      const expr = this.expr();
      const end = this.toks[this.i - 1]!.end;
      if (this.acceptKw("AS")) items.push({ expr, alias: this.name(), explicit: true, pos: start });
      else {
        void isWith;
        items.push({
          expr,
          alias: expr.t === "var" ? expr.name : this.src.slice(start, end),
          explicit: false,
          pos: start,
        });
      }
    } while (this.acceptP(","));
    return this.projectionTail({ distinct, star, items });
  }

  projectionTail(p: Projection): Projection {
    if (this.acceptKw("ORDER")) {
      this.expectKw("BY");
      const order: OrderItem[] = [];
      do {
        const expr = this.expr();
        let desc = false;
        if (this.acceptKw("DESC") || this.acceptKw("DESCENDING")) desc = true;
        else if (this.acceptKw("ASC") || this.acceptKw("ASCENDING")) desc = false;
        order.push({ expr, desc });
      } while (this.acceptP(","));
      p.order = order;
    }
    if (this.acceptKw("SKIP")) p.skip = this.expr();
    if (this.acceptKw("LIMIT")) p.limit = this.expr();
    return p;
  }

  private setItems(): SetItem[] {
    const items: SetItem[] = [];
    do items.push(this.setItem());
    while (this.acceptP(","));
    return items;
  }

  private setItem(): SetItem {
    const pos = this.tok.pos;
    if (
      (this.tok.k === "ident" || this.tok.k === "qident") &&
      (this.isP("=", this.peek()) || this.isP("+=", this.peek()))
    ) {
      const v = this.name();
      if (this.acceptP("=")) return { kind: "replace", v, value: this.expr(), pos };
      this.expectP("+=");
      return { kind: "merge", v, value: this.expr(), pos };
    }
    if ((this.tok.k === "ident" || this.tok.k === "qident") && this.isP(":", this.peek())) {
      const v = this.name();
      return { kind: "labels", v, labels: this.labelList(), pos };
    }
    const target = this.atomWithPostfix(false);
    if (target.t !== "prop") throw this.unexpected("a property");
    this.expectP("=");
    return { kind: "prop", target: target.obj, key: target.key, value: this.expr() };
  }

  private removeItem(): RemoveItem {
    const pos = this.tok.pos;
    if ((this.tok.k === "ident" || this.tok.k === "qident") && this.isP(":", this.peek())) {
      const v = this.name();
      return { kind: "labels", v, labels: this.labelList(), pos };
    }
    const target = this.atomWithPostfix(false);
    if (target.t !== "prop") throw this.unexpected("a property or labels");
    return { kind: "prop", target: target.obj, key: target.key };
  }

  private labelList(): string[] {
    const labels: string[] = [];
    while (this.acceptP(":")) labels.push(this.symbolicName());
    return labels;
  }

  private exprList(): Expr[] {
    const out = [this.expr()];
    while (this.acceptP(",")) out.push(this.expr());
    return out;
  }

  // ---------------------------------------------------------------- patterns
  private patternList(): PatternPart[] {
    const out = [this.patternPart()];
    while (this.acceptP(",")) out.push(this.patternPart());
    return out;
  }

  private patternPart(): PatternPart {
    const pos = this.tok.pos;
    let v: string | undefined;
    if ((this.tok.k === "ident" || this.tok.k === "qident") && this.isP("=", this.peek())) {
      v = this.name();
      this.i++;
    }
    const selector = this.pathSelector();
    if (selector) {
      const p = this.patternElement(pos);
      const qpp = p.rels.some((r) => r.qpp);
      if (!qpp && (p.rels.length !== 1 || !p.rels[0]!.varLength))
        throw this.err(
          `${selector.text} needs a quantified relationship such as (a)-[:R]-+(b) or a quantified path pattern such as (a) ((x)-[:R]->(y)){1,5} (b)`,
          this.tok,
          "UnsupportedSyntax",
        );
      return { ...p, v, shortest: selector.kind, k: selector.k };
    }
    if (this.isKw("SHORTESTPATH") || this.isKw("ALLSHORTESTPATHS")) {
      const shortest = this.isKw("SHORTESTPATH") ? "shortest" : "all";
      this.i++;
      this.expectP("(");
      const p = this.patternElement(pos);
      if (p.rels.some((r) => r.qpp))
        throw this.err(
          `${shortest === "all" ? "allShortestPaths" : "shortestPath"}() takes one relationship pattern; for a quantified path pattern write ${shortest === "all" ? "ALL SHORTEST" : "SHORTEST 1"} (a) ((x)-[:R]->(y)){1,5} (b)`,
          this.tok,
          "InvalidShortestPath",
        );
      this.expectP(")");
      return { ...p, v, shortest };
    }
    const p = this.patternElement(pos);
    return { ...p, v };
  }

  /** Neo4j 5.21 path selectors: `SHORTEST k`, `ALL SHORTEST`, `ANY [k]`, `SHORTEST k GROUPS` */
  private pathSelector(): { kind: "shortest" | "all"; k: number; text: string } | undefined {
    const start = this.i;
    let sel: { kind: "shortest" | "all"; k: number; text: string } | undefined;
    if (this.isKw("ALL") && this.isKw("SHORTEST", this.peek())) {
      this.i += 2;
      sel = { kind: "all", k: 1, text: "ALL SHORTEST" };
    } else if (this.isKw("SHORTEST")) {
      this.i++;
      const k = this.kindIs("int") ? this.smallInt() : 1;
      sel = this.acceptKw("GROUPS")
        ? { kind: "all", k, text: "SHORTEST k GROUPS" }
        : { kind: "shortest", k, text: "SHORTEST k" };
    } else if (
      this.isKw("ANY") &&
      (this.isP("(", this.peek()) ||
        this.peek().k === "int" ||
        this.isKw("PATH", this.peek()) ||
        this.isKw("PATHS", this.peek()))
    ) {
      this.i++;
      const k = this.kindIs("int") ? this.smallInt() : 1;
      sel = { kind: "shortest", k, text: "ANY" };
    }
    if (!sel) return undefined;
    if (!this.acceptKw("PATHS")) this.acceptKw("PATH");
    if (!this.isP("(")) {
      this.i = start;
      return undefined;
    }
    if (sel.kind === "all" && sel.k > 1)
      throw unsupported(this, "SHORTEST k GROUPS with k > 1", "5.21");
    return sel;
  }

  /**
   * A path pattern: node and relationship patterns, and quantified path patterns
   * `((a)-[:R]->(b) WHERE …){m,n}` juxtaposed with node patterns (Neo4j 5.9). A quantified path
   * pattern takes a relationship slot; a missing node pattern beside it is an anonymous node.
   */
  private patternElement(pos: number): PatternPart {
    const nodes: NodePat[] = [];
    const rels: RelPat[] = [];
    /** node patterns written in the text (the others are implied beside quantified path patterns) */
    const written: NodePat[] = [];
    for (;;) {
      if (this.isP("(") && this.isP("(", this.peek())) {
        const groupTok = this.tok;
        this.i++;
        const { where: inlineWhere, ...inner } = this.pathChain(pos);
        const predicates = inlineWhere;
        if (this.acceptKw("WHERE")) predicates.push(this.expr());
        this.expectP(")");
        const where = predicates.reduce<Expr | undefined>(
          (acc, e) => (acc ? { t: "bin", op: "AND", l: acc, r: e } : e),
          undefined,
        );
        const quantifier = this.pathQuantifier();
        if (!quantifier) {
          // a parenthesised path pattern on its own: the same as the pattern inside
          if (nodes.length === 0 && !where) return inner;
          throw this.err(
            "A parenthesised path pattern with a WHERE or beside other patterns needs a quantifier such as {1,3}, {2}, + or *",
            this.tok,
            "InvalidQuantifier",
          );
        }
        if (inner.rels.length === 0)
          throw this.err(
            "A quantified path pattern needs at least one relationship, such as ((a)-[:R]->(b)){1,3}",
            groupTok,
            "InvalidQuantifier",
          );
        if (inner.rels.some((r) => r.varLength))
          throw this.err(
            "A quantified path pattern cannot contain a variable-length or quantified relationship",
            groupTok,
            "InvalidQuantifier",
          );
        if (nodes.length === rels.length) nodes.push(anonymousNode(groupTok.pos));
        const vars = [
          ...new Set(
            [...inner.nodes, ...inner.rels].flatMap((e) => (e.v === undefined ? [] : [e.v])),
          ),
        ];
        rels.push({
          types: [],
          dir: "out",
          pos: groupTok.pos,
          qpp: { nodes: inner.nodes, rels: inner.rels, where, vars, ...quantifier },
        });
        continue;
      }
      if (nodes.length === rels.length) {
        // the pattern's first node, or the node juxtaposed after a quantified path pattern
        if (nodes.length === 0 || this.isP("(")) {
          nodes.push(this.nodePattern());
          written.push(nodes[nodes.length - 1]!);
        } else nodes.push(anonymousNode(this.tok.pos));
        continue;
      }
      if (this.isDash() || ((this.isP("<") || this.isP(UNICODE_LT)) && this.isDash(this.peek()))) {
        if (written[written.length - 1] !== nodes[nodes.length - 1])
          throw this.err(
            "A relationship pattern after a quantified path pattern needs a node pattern before it, e.g. ((a)-->(b))+ (c)-->(d)",
          );
        rels.push(this.relPattern());
        nodes.push(this.nodePattern());
        written.push(nodes[nodes.length - 1]!);
        continue;
      }
      if (written.length === 0 && rels.every((r) => r.qpp!.min === 0))
        throw this.err(
          "A path pattern made only of quantified path patterns with lower bound 0 could match nothing at all: write a node pattern beside it, e.g. (x) ((a)-->(b)){0,3}",
          this.toks[this.i - 1]!,
          "InvalidQuantifier",
        );
      return { nodes, rels, pos };
    }
  }

  /**
   * `(n WHERE …)` / `[r WHERE …]` (Neo4j 5): taken inside a quantified path pattern's body, where it
   * joins the body's WHERE (checked on every iteration with that iteration's variables).
   */
  private inlineWherePredicate(v: string | undefined): void {
    if (!this.isKw("WHERE")) return;
    if (!this.inlineWhere)
      throw this.unexpected(
        "')' (a WHERE inside a node or relationship pattern is supported inside quantified path patterns only)",
      );
    if (v === undefined) throw this.err("A WHERE inside a pattern needs a variable to refer to");
    this.i++;
    this.inlineWhere.push(this.expr());
  }

  /**
   * The inside of a quantified path pattern: a node, then relationship and node patterns; inline
   * WHERE predicates of its node and relationship patterns come back in `where`.
   */
  private pathChain(pos: number): PatternPart & { where: Expr[] } {
    const where: Expr[] = [];
    const outer = this.inlineWhere;
    this.inlineWhere = where;
    const nodes: NodePat[] = [];
    const rels: RelPat[] = [];
    try {
      nodes.push(this.nodePattern());
      while (
        this.isDash() ||
        ((this.isP("<") || this.isP(UNICODE_LT)) && this.isDash(this.peek()))
      ) {
        rels.push(this.relPattern());
        nodes.push(this.nodePattern());
      }
    } finally {
      this.inlineWhere = outer;
    }
    if (this.isP("(") && this.isP("(", this.peek()))
      throw this.err("Quantified path patterns cannot be nested", this.tok, "InvalidQuantifier");
    return { nodes, rels, pos, where };
  }

  /**
   * The quantifier of a quantified path pattern: `{n}`, `{m,n}`, `{m,}`, `{,n}`, `+`, `*`
   * (undefined when none follows). Malformed quantifiers are errors that show the accepted forms.
   */
  private pathQuantifier(): { min: number; max?: number } | undefined {
    if (this.acceptP("+")) return { min: 1 };
    if (this.acceptP("*")) return { min: 0 };
    if (!this.isP("{")) return undefined;
    const open = this.tok;
    const bad = (why: string): CypherError =>
      this.err(
        `Invalid quantifier${why}: write {n}, {m,n}, {m,}, {,n}, + or * after a parenthesised path pattern`,
        open,
        "InvalidQuantifier",
      );
    this.i++;
    let min: number | undefined;
    let max: number | undefined;
    if (this.kindIs("int")) min = this.smallInt();
    const comma = this.acceptP(",");
    if (comma && this.kindIs("int")) max = this.smallInt();
    else if (!comma) max = min;
    if (!this.acceptP("}")) throw bad("");
    if (!comma && min === undefined) throw bad(" {}");
    if (max !== undefined && max === 0) throw bad(" (its upper bound must be at least 1)");
    if (min !== undefined && max !== undefined && min > max)
      throw bad(` (lower bound ${min} is greater than upper bound ${max})`);
    return max === undefined ? { min: min ?? 0 } : { min: min ?? 0, max };
  }

  private nodePattern(): NodePat {
    const pos = this.tok.pos;
    this.expectP("(");
    let v: string | undefined;
    if (this.tok.k === "ident" || this.tok.k === "qident") v = this.name();
    let labels: string[] = [];
    let anyOf: string[][] | undefined;
    let labelExpr: LabelExpr | undefined;
    if (this.isP(":")) {
      const le = this.labelExpression();
      const plain = conjunctionNames(le);
      const groups = plain ? undefined : orGroups(le);
      if (plain) labels = plain;
      else if (groups) {
        labels = groups.flat();
        anyOf = groups.filter((g) => g.length > 1);
      } else {
        labels = mentionedNames(le);
        labelExpr = le;
      }
    }
    let props: Expr | undefined;
    if (this.isP("{")) props = this.mapLiteral();
    else if (this.tok.k === "param") props = { t: "param", name: this.toks[this.i++]!.s };
    this.inlineWherePredicate(v);
    this.expectP(")");
    if (labelExpr) return { v, labels, labelExpr, props, pos };
    if (anyOf) {
      // labels outside alternatives are single-label groups
      const inGroups = new Set(anyOf.flat());
      anyOf.push(...labels.filter((l) => !inGroups.has(l)).map((l) => [l]));
      return { v, labels, anyOf, props, pos };
    }
    return { v, labels, props, pos };
  }

  private relPattern(): RelPat {
    const pos = this.tok.pos;
    let left = false;
    if (this.acceptAny("<", UNICODE_LT)) left = true;
    if (!this.acceptAny("-", UNICODE_DASH)) throw this.unexpected("'-'");
    let v: string | undefined;
    const types: string[] = [];
    let props: Expr | undefined;
    let varLength: RelPat["varLength"];
    let typeExpr: LabelExpr | undefined;
    if (this.acceptP("[")) {
      if (this.tok.k === "ident" || this.tok.k === "qident") v = this.name();
      if (this.isP(":")) {
        const te = this.labelExpression();
        const alts = typeAlternatives(te);
        if (alts) types.push(...alts);
        else typeExpr = te;
      }
      if (this.isP("..") || this.tok.k === "int")
        throw this.err(
          "Variable length relationships must use the '*' operator",
          this.tok,
          "InvalidRelationshipPattern",
        );
      if (this.acceptP("*")) {
        varLength = {};
        if (this.isP("-") || (this.isP("..") && this.isP("-", this.peek())))
          throw this.err(
            "Variable length bounds must be non-negative",
            this.tok,
            "InvalidRelationshipPattern",
          );
        if (this.kindIs("int")) varLength.min = this.smallInt();
        if (this.acceptP("..")) {
          if (this.isP("-"))
            throw this.err(
              "Variable length bounds must be non-negative",
              this.tok,
              "InvalidRelationshipPattern",
            );
          if (this.kindIs("int")) varLength.max = this.smallInt();
        } else if (varLength.min !== undefined) varLength.max = varLength.min;
      }
      if (this.isP("{")) props = this.mapLiteral();
      else if (this.tok.k === "param") props = { t: "param", name: this.toks[this.i++]!.s };
      this.inlineWherePredicate(v);
      this.expectP("]");
    }
    if (!this.acceptAny("-", UNICODE_DASH)) throw this.unexpected("'-'");
    let right = false;
    if (this.acceptAny(">", UNICODE_GT)) right = true;
    const dir = left && !right ? "in" : right && !left ? "out" : "both";
    const quantified = this.relQuantifier();
    if (quantified) {
      if (varLength)
        throw this.err(
          "A relationship cannot have both a variable length (*) and a quantifier",
          this.tok,
          "InvalidRelationshipPattern",
        );
      varLength = quantified;
    }
    return typeExpr
      ? { v, types, typeExpr, dir, props, varLength, pos }
      : { v, types, dir, props, varLength, pos };
  }

  /** Neo4j 5 quantified relationships `-[:R]->{1,3}`, `-[:R]->+`, `-[:R]->*`: the same as `*1..3`, `*1..`, `*0..` */
  private relQuantifier(): RelPat["varLength"] {
    if (this.isP("+") && this.isP("(", this.peek())) {
      this.i++;
      return { min: 1 };
    }
    if (this.isP("*") && this.isP("(", this.peek())) {
      this.i++;
      return { min: 0 };
    }
    if (!this.isP("{")) return undefined;
    const save = this.i;
    this.i++;
    const q: { min?: number; max?: number } = {};
    if (this.kindIs("int")) q.min = this.smallInt();
    if (this.acceptP(",")) {
      if (this.kindIs("int")) q.max = this.smallInt();
    } else if (q.min !== undefined) q.max = q.min;
    else {
      this.i = save;
      return undefined;
    }
    if (!this.isP("}")) {
      this.i = save;
      return undefined;
    }
    this.i++;
    if (q.min === undefined) q.min = 0;
    return q;
  }

  smallInt(): number {
    const t = this.toks[this.i++]!;
    return Number(
      parseIntLiteral(t.s, () => this.err("Invalid number literal", t, "InvalidNumberLiteral")),
    );
  }

  // ---------------------------------------------------------------- expressions
  expr(): Expr {
    return this.orExpr();
  }
  private orExpr(): Expr {
    let l = this.xorExpr();
    while (this.acceptKw("OR")) l = { t: "bin", op: "OR", l, r: this.xorExpr() };
    return l;
  }
  private xorExpr(): Expr {
    let l = this.andExpr();
    while (this.acceptKw("XOR")) l = { t: "bin", op: "XOR", l, r: this.andExpr() };
    return l;
  }
  private andExpr(): Expr {
    let l = this.notExpr();
    while (this.acceptKw("AND")) l = { t: "bin", op: "AND", l, r: this.notExpr() };
    return l;
  }
  private notExpr(): Expr {
    if (this.acceptKw("NOT")) return { t: "not", e: this.notExpr() };
    return this.comparison();
  }
  private compOp(): string | undefined {
    const t = this.tok;
    if (t.k === "punct" && ["=", "<>", "!=", "<", ">", "<=", ">="].includes(t.s)) {
      return t.s === "!=" ? "<>" : t.s;
    }
    return undefined;
  }
  private comparison(): Expr {
    const first = this.predicateExpr();
    let op = this.compOp();
    if (!op) return first;
    const terms: Expr[] = [first];
    const ops: string[] = [];
    while (op) {
      this.i++;
      ops.push(op);
      terms.push(this.predicateExpr());
      op = this.compOp();
    }
    let out: Expr = { t: "bin", op: ops[0]!, l: terms[0]!, r: terms[1]! };
    for (let k = 1; k < ops.length; k++)
      out = {
        t: "bin",
        op: "AND",
        l: out,
        r: { t: "bin", op: ops[k]!, l: terms[k]!, r: terms[k + 1]! },
      };
    return out;
  }
  private predicateExpr(): Expr {
    let l = this.addExpr();
    for (;;) {
      if (this.isKw("STARTS") && this.isKw("WITH", this.peek())) {
        this.i += 2;
        l = { t: "bin", op: "STARTS WITH", l, r: this.addExpr() };
      } else if (this.isKw("ENDS") && this.isKw("WITH", this.peek())) {
        this.i += 2;
        l = { t: "bin", op: "ENDS WITH", l, r: this.addExpr() };
      } else if (this.acceptKw("CONTAINS")) l = { t: "bin", op: "CONTAINS", l, r: this.addExpr() };
      else if (this.acceptKw("IN")) l = { t: "bin", op: "IN", l, r: this.addExpr() };
      else if (this.acceptP("=~")) l = { t: "bin", op: "=~", l, r: this.addExpr() };
      else if (this.isKw("IS")) {
        if (this.acceptKw("IS", "NULL")) l = { t: "isnull", e: l, neg: false };
        else if (this.acceptKw("IS", "NOT", "NULL")) l = { t: "isnull", e: l, neg: true };
        else if (this.isP("::", this.peek())) {
          this.i += 2;
          l = { t: "typeIs", e: l, type: parseType(this), neg: false };
        } else if (this.isKw("NOT", this.peek()) && this.isP("::", this.peek(2))) {
          this.i += 3;
          l = { t: "typeIs", e: l, type: parseType(this), neg: true };
        } else if ([1, 2, 3].some((k) => this.isKw("NORMALIZED", this.peek(k))))
          throw unsupported(this, "IS NORMALIZED", "5.17");
        else {
          this.i++;
          throw this.unexpected("NULL, NOT NULL or :: <type>");
        }
      } else if (this.acceptP("::")) l = { t: "typeIs", e: l, type: parseType(this), neg: false };
      else return l;
    }
  }
  private addExpr(): Expr {
    let l = this.mulExpr();
    for (;;) {
      if (this.isP("+") || this.isP("-")) {
        const op = this.toks[this.i++]!.s;
        l = { t: "bin", op, l, r: this.mulExpr() };
      } else return l;
    }
  }
  private mulExpr(): Expr {
    let l = this.powExpr();
    for (;;) {
      if (this.isP("*") || this.isP("/") || this.isP("%")) {
        const op = this.toks[this.i++]!.s;
        l = { t: "bin", op, l, r: this.powExpr() };
      } else return l;
    }
  }
  private powExpr(): Expr {
    let l = this.unary();
    while (this.acceptP("^")) l = { t: "bin", op: "^", l, r: this.unary() };
    return l;
  }
  private unary(): Expr {
    if (this.isP("-")) {
      const nt = this.peek();
      if (nt.k === "int" || nt.k === "float") {
        this.i++;
        const e = this.atomWithPostfix(true, true);
        return e;
      }
      this.i++;
      return { t: "neg", e: this.unary() };
    }
    if (this.acceptP("+")) return this.unary();
    return this.atomWithPostfix(true);
  }

  private atomWithPostfix(labels: boolean, negativeNumber = false): Expr {
    let e = this.atom(negativeNumber);
    for (;;) {
      if (this.isP(".")) {
        this.i++;
        e = { t: "prop", obj: e, key: this.name() };
      } else if (this.isP("[")) {
        this.i++;
        if (this.acceptP("..")) {
          const to = this.isP("]") ? undefined : this.expr();
          this.expectP("]");
          e = { t: "slice", obj: e, to };
          continue;
        }
        const a = this.expr();
        if (this.acceptP("..")) {
          const to = this.isP("]") ? undefined : this.expr();
          this.expectP("]");
          e = { t: "slice", obj: e, from: a, to };
          continue;
        }
        this.expectP("]");
        e = { t: "index", obj: e, idx: a };
      } else if (
        labels &&
        this.isP(":") &&
        (this.peek().k === "ident" ||
          this.peek().k === "qident" ||
          ["!", "%", "("].some((p) => this.isP(p, this.peek())))
      ) {
        const le = this.labelExpression(this.noLabelOr === 0);
        const plain = conjunctionNames(le);
        e = plain
          ? { t: "labels", e, labels: plain }
          : { t: "labels", e, labels: mentionedNames(le), expr: le };
      } else return e;
    }
  }

  private exprNoLabelOr(): Expr {
    this.noLabelOr++;
    try {
      return this.expr();
    } finally {
      this.noLabelOr--;
    }
  }

  /**
   * Label expression after `:` — `A|B`, `A&B`, `!A`, `%`, `(…)` and the older `:A:B` / `:A|:B`.
   * Precedence: `!` binds tightest, then `&` (and the `:` conjunction), then `|`.
   */
  labelExpression(allowOr = true): LabelExpr {
    this.expectP(":");
    let e = this.labelOr(allowOr);
    while (
      this.isP(":") &&
      (this.peek().k === "ident" ||
        this.peek().k === "qident" ||
        ["!", "%", "("].some((p) => this.isP(p, this.peek())))
    ) {
      this.i++;
      e = { t: "and", l: e, r: this.labelOr(allowOr) };
    }
    return e;
  }
  private labelOr(allowOr: boolean): LabelExpr {
    let l = this.labelAnd();
    while (allowOr && this.isP("|")) {
      this.i++;
      this.acceptP(":");
      l = { t: "or", l, r: this.labelAnd() };
    }
    return l;
  }
  private labelAnd(): LabelExpr {
    let l = this.labelNot();
    while (this.acceptP("&")) l = { t: "and", l, r: this.labelNot() };
    return l;
  }
  private labelNot(): LabelExpr {
    if (this.acceptP("!")) return { t: "not", e: this.labelNot() };
    if (this.acceptP("%")) return { t: "any" };
    if (this.acceptP("(")) {
      const e = this.labelOr(true);
      this.expectP(")");
      return e;
    }
    return { t: "name", name: this.symbolicName() };
  }

  mapLiteral(): Expr {
    this.expectP("{");
    const entries: [string, Expr][] = [];
    if (!this.isP("}")) {
      do {
        const k = this.propertyKeyName();
        this.expectP(":");
        entries.push([k, this.expr()]);
      } while (this.acceptP(","));
    }
    this.expectP("}");
    return { t: "map", entries };
  }

  private propertyKeyName(): string {
    return this.name();
  }

  /** Try to parse a relationship pattern at the current position; restore and return undefined if it is not one. */
  private tryPattern(requireRel: boolean): PatternPart | undefined {
    const save = this.i;
    try {
      const pos = this.tok.pos;
      let v: string | undefined;
      if ((this.tok.k === "ident" || this.tok.k === "qident") && this.isP("=", this.peek())) {
        v = this.name();
        this.i++;
      }
      const p = this.patternElement(pos);
      if (requireRel && p.rels.length === 0) {
        this.i = save;
        return undefined;
      }
      return { ...p, v };
    } catch (e) {
      this.i = save;
      if (e instanceof CypherError) return undefined;
      throw e;
    }
  }

  private atom(negative = false): Expr {
    const t = this.tok;
    switch (t.k) {
      case "int": {
        this.i++;
        const v = parseIntLiteral((negative ? "-" : "") + t.s, () =>
          this.err(`Invalid number literal '${t.s}'`, t, "InvalidNumberLiteral"),
        );
        if (v > INT_MAX || v < -INT_MAX - 1n)
          throw this.err(`integer is too large: ${t.s}`, t, "IntegerOverflow");
        return { t: "lit", v };
      }
      case "float": {
        this.i++;
        const txt = t.s.replace(/_/g, "");
        if (
          !/^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$/.test(txt) &&
          !/^[0-9]+\.[0-9]+([eE][-+]?[0-9]+)?$/.test(txt)
        )
          throw this.err(`Invalid number literal '${t.s}'`, t, "InvalidNumberLiteral");
        const f = Number(txt);
        if (!Number.isFinite(f))
          throw this.err(`floating point number is too large: ${t.s}`, t, "FloatingPointOverflow");
        return { t: "lit", v: negative ? -f : f };
      }
      case "string":
        this.i++;
        return { t: "lit", v: t.s };
      case "param":
        this.i++;
        return { t: "param", name: t.s };
      case "punct":
        return this.punctAtom(t);
      case "qident":
        this.i++;
        if (this.isP("{")) return this.mapProjection({ t: "var", name: t.s, pos: t.pos });
        return { t: "var", name: t.s, pos: t.pos };
      case "ident":
        return this.identAtom(t);
      default:
        throw this.unexpected("an expression");
    }
  }

  private punctAtom(t: Token): Expr {
    if (t.s === "(") {
      const p = this.tryPattern(true);
      if (p) return { t: "pattern", pattern: p };
      this.i++;
      const e = this.expr();
      this.expectP(")");
      return e;
    }
    if (t.s === "{") return this.mapLiteral();
    if (t.s === "[") {
      this.i++;
      // list comprehension
      if ((this.tok.k === "ident" || this.tok.k === "qident") && this.isKw("IN", this.peek())) {
        const v = this.name();
        this.i++;
        const list = this.expr();
        let where: Expr | undefined;
        let proj: Expr | undefined;
        if (this.acceptKw("WHERE")) where = this.exprNoLabelOr();
        if (this.acceptP("|")) proj = this.expr();
        this.expectP("]");
        return { t: "listComp", v, list, where, proj };
      }
      // pattern comprehension
      if (
        this.isP("(") ||
        ((this.tok.k === "ident" || this.tok.k === "qident") && this.isP("=", this.peek()))
      ) {
        const save = this.i;
        const p = this.tryPattern(false);
        if (p && (this.isKw("WHERE") || this.isP("|"))) {
          let where: Expr | undefined;
          if (this.acceptKw("WHERE")) where = this.exprNoLabelOr();
          this.expectP("|");
          const proj = this.expr();
          this.expectP("]");
          return { t: "patternComp", v: p.v, pattern: p, where, proj };
        }
        this.i = save;
      }
      const items: Expr[] = [];
      if (!this.isP("]")) items.push(...this.exprList());
      this.expectP("]");
      return { t: "list", items };
    }
    throw this.unexpected("an expression");
  }

  private mapProjection(obj: Expr): Expr {
    this.expectP("{");
    const items: MapProjItem[] = [];
    if (!this.isP("}")) {
      do {
        if (this.acceptP(".")) {
          if (this.acceptP("*")) items.push({ kind: "all" });
          else items.push({ kind: "prop", key: this.name() });
        } else {
          const n = this.name();
          if (this.acceptP(":")) items.push({ kind: "lit", key: n, expr: this.expr() });
          else items.push({ kind: "var", name: n });
        }
      } while (this.acceptP(","));
    }
    this.expectP("}");
    return { t: "mapProj", obj, items };
  }

  private identAtom(t: Token): Expr {
    const w = t.s.toUpperCase();
    const next = this.peek();
    if (w === "TRUE") return (this.i++, { t: "lit", v: true });
    if (w === "FALSE") return (this.i++, { t: "lit", v: false });
    if (w === "NULL") return (this.i++, { t: "lit", v: null });
    if (w === "CASE") return this.caseExpr();
    if ((w === "EXISTS" || w === "COUNT") && this.isP("{", next)) {
      this.i += 2;
      let res: { query?: Query; patterns?: PatternPart[]; where?: Expr };
      const c = this.tok;
      if (
        c.k === "ident" &&
        ["MATCH", "OPTIONAL", "UNWIND", "WITH", "CALL", "RETURN"].includes(c.s.toUpperCase())
      )
        res = { query: this.query() };
      else {
        const patterns = this.patternList();
        let where: Expr | undefined;
        if (this.acceptKw("WHERE")) where = this.expr();
        res = { patterns, where };
      }
      this.expectP("}");
      return w === "EXISTS" ? { t: "exists", ...res } : { t: "countSub", ...res };
    }
    if (w === "COLLECT" && this.isP("{", next)) {
      this.i += 2;
      const query = this.query();
      this.expectP("}");
      return { t: "collectSub", query };
    }
    if (["ALL", "ANY", "NONE", "SINGLE"].includes(w) && this.isP("(", next)) {
      const a = this.peek(2);
      if ((a.k === "ident" || a.k === "qident") && this.isKw("IN", this.peek(3))) {
        this.i += 2;
        const v = this.name();
        this.i++;
        const list = this.expr();
        let where: Expr | undefined;
        if (this.acceptKw("WHERE")) where = this.expr();
        this.expectP(")");
        return { t: "quant", kind: w.toLowerCase() as "all", v, list, where };
      }
    }
    if (w === "REDUCE" && this.isP("(", next)) {
      this.i += 2;
      const acc = this.name();
      this.expectP("=");
      const init = this.expr();
      this.expectP(",");
      const v = this.name();
      this.expectKw("IN");
      const list = this.expr();
      this.expectP("|");
      const expr = this.expr();
      this.expectP(")");
      return { t: "reduce", acc, init, v, list, expr };
    }
    // function call, possibly namespaced
    let k = this.i;
    const parts: string[] = [this.toks[k]!.s];
    k++;
    while (
      this.isP(".", this.toks[k]) &&
      (this.toks[k + 1]?.k === "ident" || this.toks[k + 1]?.k === "qident")
    ) {
      parts.push(this.toks[k + 1]!.s);
      k += 2;
    }
    if (this.isP("(", this.toks[k])) {
      this.i = k + 1;
      const name = parts.join(".");
      if (name.toLowerCase() === "count" && this.isP("*")) {
        this.i++;
        this.expectP(")");
        return { t: "call", name: "count", args: [], distinct: false, star: true, pos: t.pos };
      }
      const distinct = this.acceptKw("DISTINCT");
      const args: Expr[] = [];
      if (!this.isP(")")) args.push(...this.exprList());
      this.expectP(")");
      return { t: "call", name, args, distinct, star: false, pos: t.pos };
    }
    this.i++;
    if (this.isP("{")) return this.mapProjection({ t: "var", name: t.s, pos: t.pos });
    return { t: "var", name: t.s, pos: t.pos };
  }

  private caseExpr(): Expr {
    this.i++;
    let test: Expr | undefined;
    if (!this.isKw("WHEN")) test = this.expr();
    const whens: [Expr, Expr][] = [];
    while (this.acceptKw("WHEN")) {
      const w = this.expr();
      this.expectKw("THEN");
      whens.push([w, this.expr()]);
    }
    if (whens.length === 0) throw this.unexpected("WHEN");
    let els: Expr | undefined;
    if (this.acceptKw("ELSE")) els = this.expr();
    this.expectKw("END");
    return { t: "case", test, whens, else: els };
  }
}

const anonymousNode = (pos: number): NodePat => ({ labels: [], pos });

/** `A&B&C` (or `:A:B`) as its label names; undefined for anything else. */
function conjunctionNames(e: LabelExpr): string[] | undefined {
  if (e.t === "name") return [e.name];
  if (e.t !== "and") return undefined;
  const l = conjunctionNames(e.l);
  const r = conjunctionNames(e.r);
  return l && r ? [...l, ...r] : undefined;
}

/** A conjunction of alternatives of names (`:A|B:C`) as groups, the shape the matcher's anyOf takes. */
function orGroups(e: LabelExpr): string[][] | undefined {
  if (e.t === "and") {
    const l = orGroups(e.l);
    const r = orGroups(e.r);
    return l && r ? [...l, ...r] : undefined;
  }
  const alts = typeAlternatives(e);
  return alts ? [alts] : undefined;
}

function typeAlternatives(e: LabelExpr): string[] | undefined {
  if (e.t === "name") return [e.name];
  if (e.t !== "or") return undefined;
  const l = typeAlternatives(e.l);
  const r = typeAlternatives(e.r);
  return l && r ? [...l, ...r] : undefined;
}

function mentionedNames(e: LabelExpr): string[] {
  switch (e.t) {
    case "name":
      return [e.name];
    case "any":
      return [];
    case "not":
      return mentionedNames(e.e);
    default:
      return [...new Set([...mentionedNames(e.l), ...mentionedNames(e.r)])];
  }
}

function parseIntLiteral(text: string, fail: () => Error): bigint {
  let s = text.replace(/_/g, "");
  let neg = false;
  if (s.startsWith("-")) {
    neg = true;
    s = s.slice(1);
  }
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) v = BigInt(s);
  else if (/^0[oO][0-7]+$/.test(s)) v = BigInt("0o" + s.slice(2));
  else if (/^0[0-7]+$/.test(s)) v = BigInt("0o" + s.slice(1));
  else if (/^[0-9]+$/.test(s) && !/^0[0-9]/.test(s)) v = BigInt(s);
  else throw fail();
  return neg ? -v : v;
}

export function parse(src: string): Query {
  return new Parser(src).parseQuery();
}
