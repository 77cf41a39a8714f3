/**
 * Neo4j 5 statements beyond openCypher, parsed with the main parser's token helpers: schema
 * commands (CREATE/DROP INDEX and CONSTRAINT, SHOW INDEXES/CONSTRAINTS) and the types of
 * `x IS :: TYPE`. Kept apart so parser.ts stays about the openCypher grammar.
 */
import type { Clause, CypherType, Expr, ReturnItem, SchemaCommand } from "./ast";
import { CypherError, positionAt } from "./errors";
import type { Parser } from "./parser";

/** Syntax Neo4j has and this engine does not: the message names the construct and the version that introduced it. */
export function unsupported(
  p: Parser,
  construct: string,
  version: string,
  hint?: string,
): CypherError {
  const msg =
    `${construct} (Neo4j ${version}) is not supported by this engine` + (hint ? `: ${hint}` : "");
  return new CypherError(
    "SyntaxError",
    "compile time",
    "UnsupportedSyntax",
    msg,
    positionAt(p.src, p.tok.pos),
  );
}

const SHOW_INDEX_COLUMNS = [
  "id",
  "name",
  "state",
  "populationPercent",
  "type",
  "entityType",
  "labelsOrTypes",
  "properties",
  "indexProvider",
  "owningConstraint",
  "lastRead",
  "readCount",
];
export const SHOW_INDEX_ALL_COLUMNS = [
  ...SHOW_INDEX_COLUMNS,
  "trackedSince",
  "options",
  "failureMessage",
  "createStatement",
];
const SHOW_CONSTRAINT_COLUMNS = [
  "id",
  "name",
  "type",
  "entityType",
  "labelsOrTypes",
  "properties",
  "ownedIndex",
  "propertyType",
];
export const SHOW_CONSTRAINT_ALL_COLUMNS = [
  ...SHOW_CONSTRAINT_COLUMNS,
  "options",
  "createStatement",
];

const INDEX_TYPES = ["RANGE", "TEXT", "POINT", "LOOKUP", "FULLTEXT", "VECTOR", "BTREE"];

/** A schema command as the whole statement, or undefined when the statement is something else. */
export function parseSchemaCommand(p: Parser): Clause[] | undefined {
  const pos = p.tok.pos;
  if (p.isKw("CREATE")) {
    const next = p.peek();
    const typed = INDEX_TYPES.some((t) => p.isKw(t, next)) && p.isKw("INDEX", p.peek(2));
    if (typed || p.isKw("INDEX", next)) return [{ t: "schema", command: createIndex(p), pos }];
    if (p.isKw("CONSTRAINT", next)) return [{ t: "schema", command: createConstraint(p), pos }];
    if (p.isKw("OR", next) && p.isKw("REPLACE", p.peek(2))) {
      p.i++;
      throw unsupported(
        p,
        "CREATE OR REPLACE",
        "5.0 Enterprise",
        "it applies to databases and aliases only",
      );
    }
    return undefined;
  }
  if (p.isKw("DROP")) {
    p.i++;
    const what = p.isKw("INDEX") ? "INDEX" : p.isKw("CONSTRAINT") ? "CONSTRAINT" : undefined;
    if (!what) throw p.unexpected("INDEX or CONSTRAINT");
    p.i++;
    if (p.isKw("ON")) throw removedIn5(p, `DROP ${what} ON …`, `DROP ${what} name`);
    const name = p.name();
    const ifExists = p.acceptKw("IF", "EXISTS");
    return [
      {
        t: "schema",
        command:
          what === "INDEX"
            ? { kind: "dropIndex", name, ifExists }
            : { kind: "dropConstraint", name, ifExists },
        pos,
      },
    ];
  }
  if (p.isKw("SHOW")) return show(p, pos);
  return undefined;
}

function removedIn5(p: Parser, old: string, instead: string): CypherError {
  return new CypherError(
    "SyntaxError",
    "compile time",
    "UnsupportedSyntax",
    `${old} was removed in Neo4j 5; write ${instead}`,
    positionAt(p.src, p.tok.pos),
  );
}

/** `IF NOT EXISTS` may come before or after the name: both are accepted as in Neo4j. */
function nameAndIfNotExists(p: Parser, stop: string): { name?: string; ifNotExists: boolean } {
  let ifNotExists = p.acceptKw("IF", "NOT", "EXISTS");
  let name: string | undefined;
  if (!p.isKw(stop) && !p.isKw("ON")) {
    name = p.name();
    if (p.acceptKw("IF", "NOT", "EXISTS")) ifNotExists = true;
  }
  return { name, ifNotExists };
}

/** `FOR (n:Label)` or `FOR ()-[r:TYPE]-()`; returns the variable, entity kind and label/type. */
function forPattern(p: Parser): { v: string; entity: "node" | "relationship"; label: string } {
  p.expectKw("FOR");
  p.expectP("(");
  if (p.isP(")")) {
    p.i++;
    const left = p.acceptP("<");
    p.expectP("-");
    p.expectP("[");
    const v = p.name();
    p.expectP(":");
    const label = p.name();
    p.expectP("]");
    p.expectP("-");
    if (!left) p.acceptP(">");
    p.expectP("(");
    p.expectP(")");
    return { v, entity: "relationship", label };
  }
  const v = p.name();
  if (!p.isP(":"))
    throw p.unexpected("a label (indexes and constraints here are per label: FOR (n:Label))");
  p.i++;
  const label = p.name();
  if (p.isP("|") || p.isP("&"))
    throw unsupported(
      p,
      "Indexes over several labels",
      "5.0",
      "only FULLTEXT indexes take several labels",
    );
  p.expectP(")");
  return { v, entity: "node", label };
}

/** `n.p` or `(n.p, n.q)` over the pattern's variable. */
function propertyList(p: Parser, v: string, parens: "required" | "optional"): string[] {
  const wrapped = p.acceptP("(");
  if (!wrapped && parens === "required") throw p.unexpected("'('");
  const props: string[] = [];
  do {
    const at = p.tok;
    const owner = p.name();
    if (owner !== v)
      throw p.err(
        `Variable \`${owner}\` not defined (the pattern declares \`${v}\`)`,
        at,
        "UndefinedVariable",
      );
    p.expectP(".");
    props.push(p.name());
  } while (wrapped && p.acceptP(","));
  if (wrapped) p.expectP(")");
  return props;
}

function skipOptions(p: Parser): void {
  if (p.acceptKw("OPTIONS")) p.mapLiteral();
}

function createIndex(p: Parser): SchemaCommand {
  p.i++; // CREATE
  let indexType = "RANGE";
  if (!p.isKw("INDEX")) indexType = p.name().toUpperCase();
  p.expectKw("INDEX");
  if (p.isKw("ON") && p.isP(":", p.peek()))
    throw removedIn5(
      p,
      "CREATE INDEX ON :Label(property)",
      "CREATE INDEX FOR (n:Label) ON (n.property)",
    );
  if (indexType === "BTREE") throw removedIn5(p, "BTREE indexes", "CREATE INDEX … (a RANGE index)");
  if (indexType === "FULLTEXT" || indexType === "VECTOR" || indexType === "LOOKUP")
    throw unsupported(
      p,
      `${indexType} indexes`,
      indexType === "VECTOR" ? "5.11" : "5.0",
      "this engine has RANGE, TEXT and POINT indexes",
    );
  const { name, ifNotExists } = nameAndIfNotExists(p, "FOR");
  const target = forPattern(p);
  p.expectKw("ON");
  const properties = propertyList(p, target.v, "required");
  skipOptions(p);
  return {
    kind: "createIndex",
    name,
    ifNotExists,
    indexType,
    entity: target.entity,
    label: target.label,
    properties,
  };
}

function createConstraint(p: Parser): SchemaCommand {
  p.i += 2; // CREATE CONSTRAINT
  if (p.isKw("ON") && p.isP("(", p.peek()))
    throw removedIn5(
      p,
      "CREATE CONSTRAINT ON (n:Label) ASSERT …",
      "CREATE CONSTRAINT FOR (n:Label) REQUIRE n.property IS UNIQUE",
    );
  const { name, ifNotExists } = nameAndIfNotExists(p, "FOR");
  const target = forPattern(p);
  if (p.isKw("ASSERT")) throw removedIn5(p, "ASSERT", "REQUIRE");
  p.expectKw("REQUIRE");
  const properties = propertyList(p, target.v, "optional");
  p.expectKw("IS");
  let constraintType: "UNIQUE" | "NODE KEY" | "NOT NULL" | "TYPE";
  let propertyType: CypherType | undefined;
  if (p.acceptKw("UNIQUE")) constraintType = "UNIQUE";
  else if (p.acceptKw("NODE", "KEY") || p.acceptKw("KEY") || p.acceptKw("RELATIONSHIP", "KEY"))
    constraintType = "NODE KEY";
  else if (p.acceptKw("NOT", "NULL")) constraintType = "NOT NULL";
  else if (p.acceptP("::") || p.acceptKw("TYPED")) {
    propertyType = parseType(p);
    constraintType = "TYPE";
  } else throw p.unexpected("UNIQUE, NODE KEY, NOT NULL or :: <type>");
  if (constraintType === "UNIQUE" && target.entity === "relationship")
    throw unsupported(p, "Relationship uniqueness constraints", "5.7");
  skipOptions(p);
  return {
    kind: "createConstraint",
    name,
    ifNotExists,
    entity: target.entity,
    label: target.label,
    properties,
    constraintType,
    propertyType,
  };
}

function show(p: Parser, pos: number): Clause[] {
  p.i++; // SHOW
  let filter = "ALL";
  const filters = [
    "ALL",
    "RANGE",
    "TEXT",
    "POINT",
    "LOOKUP",
    "FULLTEXT",
    "VECTOR",
    "UNIQUE",
    "EXISTENCE",
    "EXIST",
    "KEY",
    "NODE",
    "RELATIONSHIP",
    "REL",
    "PROPERTY",
  ];
  while (filters.some((f) => p.isKw(f)))
    filter = filter === "ALL" ? p.name().toUpperCase() : `${filter} ${p.name().toUpperCase()}`;
  let what: "INDEXES" | "CONSTRAINTS";
  if (p.acceptKw("INDEX") || p.acceptKw("INDEXES")) what = "INDEXES";
  else if (p.acceptKw("CONSTRAINT") || p.acceptKw("CONSTRAINTS")) what = "CONSTRAINTS";
  else {
    const t = p.tok;
    const thing = t.k === "ident" ? t.s.toUpperCase() : "";
    if (
      /^(PROCEDURES?|FUNCTIONS?|TRANSACTIONS?|SETTINGS?|USERS?|ROLES?|PRIVILEGES?|SERVERS?|ALIASES?)$/.test(
        thing,
      )
    )
      throw unsupported(
        p,
        `SHOW ${thing}`,
        "5.0",
        "this engine answers SHOW INDEXES, SHOW CONSTRAINTS and SHOW DATABASES",
      );
    throw p.unexpected("INDEXES or CONSTRAINTS");
  }
  const defaults = what === "INDEXES" ? SHOW_INDEX_COLUMNS : SHOW_CONSTRAINT_COLUMNS;
  const all = what === "INDEXES" ? SHOW_INDEX_ALL_COLUMNS : SHOW_CONSTRAINT_ALL_COLUMNS;
  const clauses: Clause[] = [];
  const showClause: Extract<Clause, { t: "schema" }> = {
    t: "schema",
    command: { kind: "show", what, filter },
    pos,
  };
  clauses.push(showClause);
  let columns = defaults;
  if (p.isKw("YIELD")) {
    const ypos = p.tok.pos;
    p.i++;
    const proj = p.projection(true);
    if (proj.star) {
      proj.star = false;
      proj.items = all.map((c) => item(c));
    }
    for (const it of proj.items)
      if (it.expr.t === "var" && !all.includes(it.expr.name))
        throw p.err(
          `Unknown column \`${it.expr.name}\` for SHOW ${what}; columns are ${all.join(", ")}`,
          p.tok,
          "UndefinedVariable",
        );
    let where: Expr | undefined;
    if (p.acceptKw("WHERE")) where = p.expr();
    clauses.push({ t: "with", ...proj, where, pos: ypos });
    columns = proj.items.map((i) => i.alias);
  } else if (p.isKw("WHERE")) {
    p.i++;
    clauses.push({
      t: "with",
      distinct: false,
      star: false,
      items: all.map((c) => item(c)),
      where: p.expr(),
      pos,
    });
  }
  if (p.isKw("RETURN")) {
    const rpos = p.tok.pos;
    p.i++;
    clauses.push({ t: "return", ...p.projection(false), pos: rpos });
  } else
    clauses.push({
      t: "return",
      distinct: false,
      star: false,
      items: columns.map((c) => item(c)),
      pos,
    });
  return clauses;
}

const item = (name: string): ReturnItem => ({
  expr: { t: "var", name, pos: 0 },
  alias: name,
  explicit: false,
  pos: 0,
});

// ---------------------------------------------------------------- types of `IS :: TYPE`

const WORDS: [string[], string][] = [
  [["NOTHING"], "NOTHING"],
  [["NULL"], "NULL"],
  [["BOOLEAN"], "BOOLEAN"],
  [["BOOL"], "BOOLEAN"],
  [["STRING"], "STRING"],
  [["VARCHAR"], "STRING"],
  [["SIGNED", "INTEGER"], "INTEGER"],
  [["INTEGER"], "INTEGER"],
  [["INT"], "INTEGER"],
  [["INTEGER64"], "INTEGER"],
  [["INT64"], "INTEGER"],
  [["FLOAT"], "FLOAT"],
  [["FLOAT64"], "FLOAT"],
  [["DATE"], "DATE"],
  [["LOCAL", "TIME"], "LOCAL TIME"],
  [["TIME", "WITHOUT", "TIME", "ZONE"], "LOCAL TIME"],
  [["ZONED", "TIME"], "ZONED TIME"],
  [["TIME", "WITH", "TIME", "ZONE"], "ZONED TIME"],
  [["LOCAL", "DATETIME"], "LOCAL DATETIME"],
  [["TIMESTAMP", "WITHOUT", "TIME", "ZONE"], "LOCAL DATETIME"],
  [["ZONED", "DATETIME"], "ZONED DATETIME"],
  [["TIMESTAMP", "WITH", "TIME", "ZONE"], "ZONED DATETIME"],
  [["DURATION"], "DURATION"],
  [["POINT"], "POINT"],
  [["ANY", "NODE"], "NODE"],
  [["ANY", "VERTEX"], "NODE"],
  [["NODE"], "NODE"],
  [["VERTEX"], "NODE"],
  [["ANY", "RELATIONSHIP"], "RELATIONSHIP"],
  [["ANY", "EDGE"], "RELATIONSHIP"],
  [["RELATIONSHIP"], "RELATIONSHIP"],
  [["EDGE"], "RELATIONSHIP"],
  [["ANY", "MAP"], "MAP"],
  [["MAP"], "MAP"],
  [["PATH"], "PATH"],
  [["PATHS"], "PATH"],
  [["ANY", "PROPERTY", "VALUE"], "PROPERTY VALUE"],
  [["PROPERTY", "VALUE"], "PROPERTY VALUE"],
  [["ANY", "VALUE"], "ANY"],
];

/** Type after `IS ::` (Neo4j 5.9): names and synonyms, `LIST<T>`, `T LIST`, unions `A | B`, `ANY<…>` and `NOT NULL`. */
export function parseType(p: Parser): CypherType {
  const alts = [typeAlternative(p)];
  while (p.isP("|") && p.peek().k === "ident") {
    p.i++;
    alts.push(typeAlternative(p));
  }
  return alts.length === 1 ? alts[0]! : { t: "union", of: alts, notNull: false };
}

function typeAlternative(p: Parser): CypherType {
  let t: CypherType;
  if ((p.isKw("LIST") || p.isKw("ARRAY")) && p.isP("<", p.peek())) {
    p.i += 2;
    const of = parseType(p);
    p.expectP(">");
    t = { t: "list", of, notNull: false };
  } else if (p.isKw("ANY") && p.isP("<", p.peek())) {
    p.i += 2;
    const of = parseType(p);
    p.expectP(">");
    t = of;
  } else {
    const found = WORDS.find(([ws]) => ws.every((w, k) => p.isKw(w, p.peek(k))));
    if (found) {
      p.i += found[0].length;
      t = { t: "simple", name: found[1], notNull: false };
    } else if (p.isKw("ANY")) {
      p.i++;
      t = { t: "simple", name: "ANY", notNull: false };
    } else throw p.unexpected("a type such as INTEGER, STRING, LIST<INTEGER> or ANY");
  }
  for (;;) {
    if (p.isKw("NOT") && p.isKw("NULL", p.peek())) {
      p.i += 2;
      t = { ...t, notNull: true };
    } else if (p.isKw("LIST") || p.isKw("ARRAY")) {
      p.i++;
      t = { t: "list", of: t, notNull: false };
    } else return t;
  }
}
