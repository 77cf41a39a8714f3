/**
 * Cypher completion from what the lesson's graph holds: labels after `(x:`, relationship types
 * after `[r:` (and `|`), property keys after `x.` and inside `{…}`, functions and keywords
 * elsewhere. The schema is computed on the server when the lesson is built (dataset-schema.ts)
 * and handed to the page with it, so completing never queries anything. Pure, for tests.
 */
import { CYPHER_KEYWORDS } from "./cypher-tokens";

export interface CypherSchema {
  labels: string[];
  relationshipTypes: string[];
  propertyKeys: string[];
  /** The engine's functions, in their documented spelling (toLower, not tolower). */
  functions: string[];
}

export const EMPTY_CYPHER_SCHEMA: CypherSchema = {
  labels: [],
  relationshipTypes: [],
  propertyKeys: [],
  functions: [],
};

export type CypherCompletionKind =
  "label" | "relationshipType" | "property" | "function" | "keyword";

interface CypherCompletion {
  label: string;
  kind: CypherCompletionKind;
  insertText: string;
  detail: string;
}

interface CypherCompletionResult {
  /** How many characters before the cursor the completion replaces (the word typed so far). */
  replace: number;
  items: CypherCompletion[];
}

const NAME = /^[\p{L}_][\p{L}\p{N}_]*$/u;
/** Names that are not plain identifiers are written in backticks. */
const quoted = (name: string): string =>
  NAME.test(name) ? name : `\`${name.replace(/`/g, "``")}\``;

/**
 * The innermost bracket the cursor is in ("(", "[", "{"), skipping strings and line comments;
 * "quote" when the cursor is inside a string or a quoted name.
 */
function openBracket(text: string): string | null {
  const stack: string[] = [];
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") quote = c;
    else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      if (end < 0) break;
      i = end;
    } else if (c === "(" || c === "[" || c === "{") stack.push(c);
    else if (c === ")" || c === "]" || c === "}") stack.pop();
  }
  if (quote) return "quote";
  return stack.at(-1) ?? null;
}

/** A function: its name only (the learner types the parenthesis; Monaco closes it). */
const functionItem = (name: string): CypherCompletion => ({
  label: name,
  kind: "function",
  insertText: name,
  detail: "function",
});

export function cypherCompletions(
  textBeforeCursor: string,
  schema: CypherSchema,
): CypherCompletionResult {
  const word = /[\p{L}\p{N}_]*$/u.exec(textBeforeCursor)?.[0] ?? "";
  const before = textBeforeCursor.slice(0, textBeforeCursor.length - word.length);
  const lead = before.trimEnd().at(-1) ?? "";
  const prefix = word.toLowerCase();
  const matching = (names: string[]) =>
    names.filter((n) => n.toLowerCase().startsWith(prefix)).sort((a, b) => a.localeCompare(b));
  const result = (items: CypherCompletion[]) => ({ replace: word.length, items });
  const bracket = openBracket(before);
  if (bracket === "quote") return result([]);
  // Right after a colon or bar: a label in a node, a type in a relationship.
  if ((lead === ":" || lead === "|") && /[:|]\s*$/.test(before)) {
    if (bracket === "[")
      return result(
        matching(schema.relationshipTypes).map((t) => ({
          label: t,
          kind: "relationshipType",
          insertText: quoted(t),
          detail: "relationship type",
        })),
      );
    if (bracket === "(" || (bracket === null && lead === ":"))
      return result(
        matching(schema.labels).map((l) => ({
          label: l,
          kind: "label",
          insertText: quoted(l),
          detail: "label",
        })),
      );
  }
  const property = (k: string): CypherCompletion => ({
    label: k,
    kind: "property",
    insertText: quoted(k),
    detail: "property key",
  });
  // `n.na`: a property key (not `1.5`).
  if (lead === "." && /[\p{L}\p{N}_`]\.$/u.test(before) && !/(^|[^\p{L}_])\d+\.$/u.test(before))
    return result(matching(schema.propertyKeys).map(property));
  // `{na` or `{name: 'x', bo`: a key of a property map.
  if (bracket === "{" && (lead === "{" || lead === ","))
    return result(matching(schema.propertyKeys).map(property));
  if (word.length === 0) return result([]);
  return result([
    ...matching(schema.functions).map(functionItem),
    ...matching([...CYPHER_KEYWORDS]).map((k): CypherCompletion => ({
      label: k,
      kind: "keyword",
      insertText: k,
      detail: "keyword",
    })),
  ]);
}
