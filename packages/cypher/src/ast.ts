import type { CypherValue } from "./values";

export type Expr =
  | { t: "lit"; v: CypherValue }
  | { t: "param"; name: string }
  | { t: "var"; name: string; pos: number }
  | { t: "prop"; obj: Expr; key: string }
  | { t: "index"; obj: Expr; idx: Expr }
  | { t: "slice"; obj: Expr; from?: Expr; to?: Expr }
  | { t: "list"; items: Expr[] }
  | { t: "map"; entries: [string, Expr][] }
  | { t: "mapProj"; obj: Expr; items: MapProjItem[] }
  | { t: "bin"; op: string; l: Expr; r: Expr }
  | { t: "not"; e: Expr }
  | { t: "neg"; e: Expr }
  | { t: "isnull"; e: Expr; neg: boolean }
  | { t: "labels"; e: Expr; labels: string[]; expr?: LabelExpr }
  | { t: "typeIs"; e: Expr; type: CypherType; neg: boolean }
  | { t: "call"; name: string; args: Expr[]; distinct: boolean; star: boolean; pos: number }
  | { t: "case"; test?: Expr; whens: [Expr, Expr][]; else?: Expr }
  | { t: "listComp"; v: string; list: Expr; where?: Expr; proj?: Expr }
  | { t: "quant"; kind: "all" | "any" | "none" | "single"; v: string; list: Expr; where?: Expr }
  | { t: "reduce"; acc: string; init: Expr; v: string; list: Expr; expr: Expr }
  | { t: "patternComp"; v?: string; pattern: PatternPart; where?: Expr; proj: Expr }
  | { t: "pattern"; pattern: PatternPart }
  | { t: "exists"; query?: Query; patterns?: PatternPart[]; where?: Expr }
  | { t: "countSub"; query?: Query; patterns?: PatternPart[]; where?: Expr }
  | { t: "collectSub"; query: Query };

/** Neo4j 5 label expressions: `A|B`, `A&B`, `!A`, `%` (any label), parentheses. */
export type LabelExpr =
  | { t: "name"; name: string }
  | { t: "any" }
  | { t: "not"; e: LabelExpr }
  | { t: "and"; l: LabelExpr; r: LabelExpr }
  | { t: "or"; l: LabelExpr; r: LabelExpr };

/** Types of `x IS :: TYPE` (Neo4j 5 type predicates); a union is a list of alternatives. */
export type CypherType =
  | { t: "simple"; name: string; notNull: boolean }
  | { t: "list"; of: CypherType; notNull: boolean }
  | { t: "union"; of: CypherType[]; notNull: boolean };

export type MapProjItem =
  | { kind: "prop"; key: string }
  | { kind: "all" }
  | { kind: "lit"; key: string; expr: Expr }
  | { kind: "var"; name: string };

export interface NodePat {
  v?: string;
  /** every label written (what CREATE/MERGE would set) */
  labels: string[];
  /** label alternatives `(:A|B)`: each group needs one of its labels; absent when there are none */
  anyOf?: string[][];
  /** a Neo4j 5 label expression with `&`, `!`, `%` or parentheses; matching then uses it alone */
  labelExpr?: LabelExpr;
  props?: Expr;
  pos: number;
}
export interface RelPat {
  v?: string;
  types: string[];
  /** a type expression with `&`, `!` or `%` (plain `A|B` stays in types) */
  typeExpr?: LabelExpr;
  dir: "out" | "in" | "both";
  props?: Expr;
  varLength?: { min?: number; max?: number };
  /**
   * A quantified path pattern `((a)-[r:R]->(b) WHERE …){m,n}` (Neo4j 5.9) stands in the pattern's
   * relationship list between the nodes it is juxtaposed with; it then has no type, variable or props.
   */
  qpp?: QuantifiedPath;
  pos: number;
}
/** The body of a quantified path pattern, repeated min..max times (max undefined: unbounded). */
export interface QuantifiedPath {
  nodes: NodePat[];
  rels: RelPat[];
  /** checked on every iteration, with the inner variables bound to that iteration's values */
  where?: Expr;
  min: number;
  max?: number;
  /** the group variables: declared inside, a list of each iteration's values outside */
  vars: string[];
}
export interface PatternPart {
  v?: string;
  shortest?: "shortest" | "all";
  /** `SHORTEST k`: how many paths per pair of end nodes (1 for shortestPath) */
  k?: number;
  nodes: NodePat[];
  rels: RelPat[];
  pos: number;
}

export interface ReturnItem {
  expr: Expr;
  alias: string;
  /** alias written explicitly with AS */
  explicit: boolean;
  pos: number;
}
export interface OrderItem {
  expr: Expr;
  desc: boolean;
}
export interface Projection {
  distinct: boolean;
  star: boolean;
  items: ReturnItem[];
  order?: OrderItem[];
  skip?: Expr;
  limit?: Expr;
}

export type SetItem =
  | { kind: "prop"; target: Expr; key: string; value: Expr }
  | { kind: "replace"; v: string; value: Expr; pos: number }
  | { kind: "merge"; v: string; value: Expr; pos: number }
  | { kind: "labels"; v: string; labels: string[]; pos: number };

export type RemoveItem =
  | { kind: "prop"; target: Expr; key: string }
  | { kind: "labels"; v: string; labels: string[]; pos: number };

export type Clause =
  | { t: "match"; optional: boolean; patterns: PatternPart[]; where?: Expr; pos: number }
  | { t: "unwind"; expr: Expr; v: string; pos: number }
  | ({ t: "with"; where?: Expr; pos: number } & Projection)
  | ({ t: "return"; pos: number } & Projection)
  | { t: "create"; patterns: PatternPart[]; pos: number }
  | { t: "merge"; pattern: PatternPart; onCreate: SetItem[]; onMatch: SetItem[]; pos: number }
  | { t: "set"; items: SetItem[]; pos: number }
  | { t: "remove"; items: RemoveItem[]; pos: number }
  | { t: "delete"; detach: boolean; exprs: Expr[]; pos: number }
  | {
      t: "call";
      name: string;
      args?: Expr[];
      yields?: { name: string; alias: string }[];
      yieldStar: boolean;
      where?: Expr;
      pos: number;
    }
  | {
      t: "subquery";
      query: Query;
      /** `CALL (a, b) { … }` imports these; `CALL () { … }` none; absent for `CALL { WITH … }` */
      scope?: string[];
      /** `CALL (*) { … }` */
      scopeAll?: boolean;
      optional?: boolean;
      pos: number;
    }
  | { t: "schema"; command: SchemaCommand; pos: number }
  | { t: "foreach"; v: string; list: Expr; body: Clause[]; pos: number };

export type SchemaCommand =
  | {
      kind: "createIndex";
      name?: string;
      ifNotExists: boolean;
      indexType: string;
      entity: "node" | "relationship";
      label: string;
      properties: string[];
    }
  | { kind: "dropIndex"; name: string; ifExists: boolean }
  | {
      kind: "createConstraint";
      name?: string;
      ifNotExists: boolean;
      entity: "node" | "relationship";
      label: string;
      properties: string[];
      constraintType: "UNIQUE" | "NODE KEY" | "NOT NULL" | "TYPE";
      propertyType?: CypherType;
    }
  | { kind: "dropConstraint"; name: string; ifExists: boolean }
  | {
      kind: "show";
      what: "INDEXES" | "CONSTRAINTS";
      filter: string;
      yields?: string[];
      where?: Expr;
      ret?: Projection;
    };

export interface SingleQuery {
  clauses: Clause[];
}
export interface Query {
  /** `EXPLAIN` (plan only) or `PROFILE` (run and measure), top level only */
  mode?: "explain" | "profile";
  /** every $parameter named anywhere in the text (set on the top-level query by the parser) */
  paramNames?: string[];
  parts: SingleQuery[];
  /** unionAll[i] says whether parts[i] and parts[i+1] are joined with UNION ALL */
  unionAll: boolean[];
}
