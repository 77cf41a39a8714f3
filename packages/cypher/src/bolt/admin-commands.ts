/**
 * The few administrative statements that tools send on connect (Neo4j Browser, cypher-shell,
 * driver helpers) and that are not openCypher: SHOW DATABASES, dbms.components(),
 * dbms.showCurrentUser() and the db.labels()-style catalogue procedures. Answered here, in front
 * of the engine; the catalogue procedures are rewritten to ordinary Cypher over the same graph.
 */
import { emptyStats, type QueryResult } from "../database";
import type { CypherValue } from "../values";

export type AdminCommand =
  { kind: "result"; result: QueryResult } | { kind: "rewrite"; query: string };

const DATABASE_COLUMNS = [
  "name",
  "type",
  "aliases",
  "access",
  "address",
  "role",
  "writer",
  "requestedStatus",
  "currentStatus",
  "statusMessage",
  "default",
  "home",
  "constituents",
];

function databaseRow(name: string, address: string): CypherValue[] {
  const isDefault = name === "neo4j";
  return [
    name,
    name === "system" ? "system" : "standard",
    [],
    "read-write",
    address,
    "primary",
    true,
    "online",
    "online",
    "",
    isDefault,
    isDefault,
    [],
  ];
}

const result = (columns: string[], rows: CypherValue[][]): AdminCommand => ({
  kind: "result",
  result: { columns, rows, stats: emptyStats(), queryType: "r" },
});

/** Keeps only the YIELDed columns, in YIELD order (`YIELD *` or none keeps all). */
function project(
  columns: string[],
  rows: CypherValue[][],
  yieldList: string | undefined,
): AdminCommand {
  if (!yieldList || yieldList.trim() === "*") return result(columns, rows);
  const wanted = yieldList
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
  const indices = wanted.map((c) => columns.indexOf(c));
  if (indices.some((i) => i < 0)) return result(columns, rows);
  return result(
    wanted,
    rows.map((r) => indices.map((i) => r[i] ?? null)),
  );
}

const CATALOGUE: [RegExp, string][] = [
  [
    /^CALL\s+db\.labels\s*\(\s*\)(?:\s+YIELD\s+label)?$/i,
    "MATCH (n) UNWIND labels(n) AS label RETURN DISTINCT label ORDER BY label",
  ],
  [
    /^CALL\s+db\.relationshipTypes\s*\(\s*\)(?:\s+YIELD\s+relationshipType)?$/i,
    "MATCH ()-[r]->() RETURN DISTINCT type(r) AS relationshipType ORDER BY relationshipType",
  ],
  [
    /^CALL\s+db\.propertyKeys\s*\(\s*\)(?:\s+YIELD\s+propertyKey)?$/i,
    "MATCH (n) UNWIND keys(n) AS propertyKey RETURN propertyKey UNION MATCH ()-[r]->() UNWIND keys(r) AS propertyKey RETURN propertyKey",
  ],
];

/** null: an ordinary query for the engine. */
export function adminCommand(
  query: string,
  context: { user: string; version: string; address: string },
): AdminCommand | null {
  const q = query.trim().replace(/;$/, "").trim();
  const show =
    /^SHOW\s+(?:(DEFAULT|HOME)\s+DATABASE|DATABASES?)(?:\s+(`[^`]+`|[\w.-]+))?(?:\s+YIELD\s+(.+))?$/i.exec(
      q,
    );
  if (show) {
    let names = ["neo4j", "system"];
    if (show[1]) names = ["neo4j"];
    if (show[2]) names = names.filter((n) => n === show[2]!.replace(/`/g, ""));
    return project(
      DATABASE_COLUMNS,
      names.map((n) => databaseRow(n, context.address)),
      show[3],
    );
  }
  const components = /^CALL\s+dbms\.components\s*\(\s*\)(?:\s+YIELD\s+([\s\S]+))?$/i.exec(q);
  if (components) {
    const rest = components[1];
    if (!rest || /^\s*(\*|\w+(\s*,\s*\w+)*)\s*$/.test(rest))
      return project(
        ["name", "versions", "edition"],
        [["Neo4j Kernel", [context.version], "community"]],
        rest,
      );
    // YIELD … WHERE/RETURN …: the same row as a WITH, then the caller's own clauses.
    const literal = `'${context.version.replace(/'/g, "")}'`;
    return {
      kind: "rewrite",
      query: `WITH 'Neo4j Kernel' AS name, [${literal}] AS versions, 'community' AS edition WITH ${rest}`,
    };
  }
  if (/^CALL\s+dbms\.showCurrentUser\s*\(\s*\)$/i.test(q))
    return result(["username", "roles", "flags"], [[context.user, ["admin"], []]]);
  for (const [pattern, rewrite] of CATALOGUE)
    if (pattern.test(q)) return { kind: "rewrite", query: rewrite };
  return null;
}
