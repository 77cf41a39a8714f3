/**
 * Cypher colouring from the engine's own lexer (packages/cypher/src/lexer.ts: pure, no
 * dependencies but its error type), one editor line at a time. The lexer stops at the first
 * thing it cannot read; here the rest of the line is still coloured (an unterminated string or
 * comment as such, a stray character as invalid), because the learner is in the middle of typing.
 * Token names are Monaco's theme scopes (keyword, type, predefined, variable, string, …).
 */
import { tokenize, type Token } from "@courses/cypher/lexer";

/** Words shown as keywords (the engine's parser knows them by text, not from a list). */
const KEYWORDS = new Set(
  (
    "MATCH OPTIONAL WHERE RETURN WITH DISTINCT ORDER BY ASC ASCENDING DESC DESCENDING SKIP LIMIT " +
    "UNWIND AS UNION ALL CREATE MERGE ON SET REMOVE DELETE DETACH CALL YIELD EXISTS CASE WHEN THEN " +
    "ELSE END AND OR XOR NOT IN STARTS ENDS CONTAINS IS NULL TRUE FALSE COUNT FOREACH LOAD CSV FROM " +
    "HEADERS INDEX CONSTRAINT DROP FOR REQUIRE UNIQUE EXPLAIN PROFILE USE SHOW ANY NONE SINGLE " +
    "REDUCE SHORTESTPATH ALLSHORTESTPATHS FINISH TRANSACTIONS ROWS OF"
  ).split(" "),
);
export const CYPHER_KEYWORDS: readonly string[] = [...KEYWORDS];

/** Clause words that a "(" may follow without making them function calls. */
const CLAUSE_BEFORE_PAREN = new Set(
  "MATCH MERGE CREATE WHERE AND OR XOR NOT IN RETURN WITH UNWIND DELETE REMOVE SET ON WHEN THEN ELSE AS".split(
    " ",
  ),
);

type CypherScope =
  | ""
  | "keyword"
  | "type"
  | "predefined"
  | "variable"
  | "identifier"
  | "property"
  | "string"
  | "number"
  | "comment"
  | "delimiter"
  | "invalid";

export interface LineToken {
  startIndex: number;
  scope: CypherScope;
}

/** What carries from one line to the next: only an open block comment can span lines here. */
export type LineState = "code" | "comment";

function scopeOf(tok: Token, previous: Token | undefined, next: Token | undefined): CypherScope {
  switch (tok.k) {
    case "string":
      return "string";
    case "int":
    case "float":
      return "number";
    case "param":
      return "variable";
    case "punct":
      return "delimiter";
    case "qident":
      return previous?.k === "punct" && (previous.s === ":" || previous.s === "|")
        ? "type"
        : "identifier";
    case "ident": {
      if (previous?.k === "punct" && previous.s === ".") return "property";
      if (previous?.k === "punct" && (previous.s === ":" || previous.s === "|")) {
        // `:Label` / `[:TYPE|OTHER]`; but `{key: value}` has a value after its colon.
        return "type";
      }
      const upper = tok.s.toUpperCase();
      const call = next?.k === "punct" && next.s === "(";
      if (call && !CLAUSE_BEFORE_PAREN.has(upper)) return "predefined";
      if (KEYWORDS.has(upper)) return "keyword";
      return "identifier";
    }
    default:
      return "";
  }
}

/** The engine's tokens for `text`, or those before the first unreadable offset and that offset. */
function lex(text: string): { tokens: Token[]; failedAt: number | null } {
  try {
    return { tokens: tokenize(text).filter((t) => t.k !== "eof"), failedAt: null };
  } catch (error) {
    const offset = (error as { position?: { offset?: number } }).position?.offset;
    if (offset === undefined || offset <= 0) return { tokens: [], failedAt: offset ?? 0 };
    const before = lex(text.slice(0, offset));
    return { tokens: before.tokens, failedAt: offset };
  }
}

/** A value after a map key's colon is not a label: `{name: x}` and `{born: 1964}`. */
function fixMapValues(tokens: Token[], scopes: CypherScope[]): void {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.k === "punct" && t.s === "{") depth++;
    else if (t.k === "punct" && t.s === "}") depth = Math.max(0, depth - 1);
    else if (depth > 0 && (t.k === "ident" || t.k === "qident")) {
      const after = tokens[i + 1];
      const before = tokens[i - 1];
      // `{key: value, other: value}`: the keys are properties, the values not labels.
      if (
        after?.k === "punct" &&
        after.s === ":" &&
        before?.k === "punct" &&
        (before.s === "{" || before.s === ",")
      ) {
        scopes[i] = "property";
        const value = tokens[i + 2];
        if (value && scopes[i + 2] === "type")
          scopes[i + 2] =
            value.k === "ident" && KEYWORDS.has(value.s.toUpperCase()) ? "keyword" : "identifier";
      }
    }
  }
}

/**
 * Tokens of one line: start offsets and scopes, covering the line in order (whitespace as "").
 */
export function tokenizeCypherLine(
  line: string,
  state: LineState,
): { tokens: LineToken[]; state: LineState } {
  const out: LineToken[] = [];
  const push = (startIndex: number, scope: CypherScope) => {
    const last = out[out.length - 1];
    if (last && last.startIndex === startIndex) last.scope = scope;
    else if (!last || last.scope !== scope) out.push({ startIndex, scope });
  };
  let offset = 0;
  if (state === "comment") {
    const end = line.indexOf("*/");
    push(0, "comment");
    if (end < 0) return { tokens: out, state: "comment" };
    offset = end + 2;
  }
  while (offset < line.length) {
    const rest = line.slice(offset);
    const { tokens, failedAt } = lex(rest);
    const scopes = tokens.map((t, i) => scopeOf(t, tokens[i - 1], tokens[i + 1]));
    fixMapValues(tokens, scopes);
    let cursor = 0;
    const gap = (until: number) => {
      // Between tokens: whitespace and the comments the lexer skipped.
      const text = rest.slice(cursor, until);
      const comment = text.search(/\/\/|\/\*/);
      if (comment < 0) {
        if (text.length > 0) push(offset + cursor, "");
        return;
      }
      if (comment > 0) push(offset + cursor, "");
      push(offset + cursor + comment, "comment");
      // A closed block comment may be followed by more whitespace before the next token.
      const closed = text.startsWith("/*", comment) ? text.indexOf("*/", comment + 2) : -1;
      if (closed >= 0 && closed + 2 < text.length) push(offset + cursor + closed + 2, "");
    };
    tokens.forEach((tok, i) => {
      gap(tok.pos);
      push(offset + tok.pos, scopes[i]!);
      cursor = tok.end;
    });
    if (failedAt === null) {
      gap(rest.length);
      return { tokens: out, state: "code" };
    }
    gap(failedAt);
    const from = offset + failedAt;
    const ch = line[from];
    if (line.startsWith("/*", from)) {
      push(from, "comment");
      return { tokens: out, state: "comment" };
    }
    if (ch === "'" || ch === '"') {
      push(from, "string");
      return { tokens: out, state: "code" };
    }
    if (ch === "`") {
      push(from, "identifier");
      return { tokens: out, state: "code" };
    }
    push(from, "invalid");
    offset = from + Math.max(1, ch && ch.codePointAt(0)! > 0xffff ? 2 : 1);
  }
  return { tokens: out, state: "code" };
}
