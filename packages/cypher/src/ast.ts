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
  | { t: "labels"; e: Expr; labels: string[] }
  | { t: "call"; name: string; args: Expr[]; distinct: boolean; star: boolean; pos: number }
  | { t: "case"; test?: Expr; whens: [Expr, Expr][]; else?: Expr }
  | { t: "listComp"; v: string; list: Expr; where?: Expr; proj?: Expr }
  | { t: "quant"; kind: "all" | "any" | "none" | "single"; v: string; list: Expr; where?: Expr }
  | { t: "reduce"; acc: string; init: Expr; v: string; list: Expr; expr: Expr }
  | { t: "patternComp"; v?: string; pattern: PatternPart; where?: Expr; proj: Expr }
  | { t: "pattern"; pattern: PatternPart }
  | { t: "exists"; query?: Query; patterns?: PatternPart[]; where?: Expr }
  | { t: "countSub"; query?: Query; patterns?: PatternPart[]; where?: Expr };

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
  props?: Expr;
  pos: number;
}
export interface RelPat {
  v?: string;
  types: string[];
  dir: "out" | "in" | "both";
  props?: Expr;
  varLength?: { min?: number; max?: number };
  pos: number;
}
export interface PatternPart {
  v?: string;
  shortest?: "shortest" | "all";
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

export type RemoveItem = { kind: "prop"; target: Expr; key: string } | { kind: "labels"; v: string; labels: string[]; pos: number };

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
  | { t: "subquery"; query: Query; pos: number }
  | { t: "foreach"; v: string; list: Expr; body: Clause[]; pos: number };

export interface SingleQuery {
  clauses: Clause[];
}
export interface Query {
  /** every $parameter named anywhere in the text (set on the top-level query by the parser) */
  paramNames?: string[];
  parts: SingleQuery[];
  /** unionAll[i] says whether parts[i] and parts[i+1] are joined with UNION ALL */
  unionAll: boolean[];
}
