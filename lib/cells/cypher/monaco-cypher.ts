/**
 * Cypher for Monaco: a small Monarch tokenizer (keywords, labels and relationship types after
 * ':', functions, $parameters, strings, numbers, comments, `quoted names`) plus brackets and
 * comment toggling. Token names match the editor themes (keyword, type, predefined, variable…).
 */
import type * as Monaco from "monaco-editor";

export const CYPHER_LANGUAGE_ID = "cypher";

export const CYPHER_KEYWORDS = [
  "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "DISTINCT", "ORDER", "BY", "ASC", "ASCENDING", "DESC", "DESCENDING",
  "SKIP", "LIMIT", "UNWIND", "AS", "UNION", "ALL", "CREATE", "MERGE", "ON", "SET", "REMOVE", "DELETE", "DETACH",
  "CALL", "YIELD", "EXISTS", "CASE", "WHEN", "THEN", "ELSE", "END", "AND", "OR", "XOR", "NOT", "IN", "STARTS",
  "ENDS", "CONTAINS", "IS", "NULL", "TRUE", "FALSE", "COUNT", "FOREACH", "LOAD", "CSV", "FROM", "HEADERS",
  "INDEX", "CONSTRAINT", "DROP", "FOR", "REQUIRE", "UNIQUE", "EXPLAIN", "PROFILE", "USE", "SHOW", "ANY", "NONE",
  "SINGLE", "REDUCE", "SHORTESTPATH", "ALLSHORTESTPATHS",
];

export const CYPHER_FUNCTIONS = [
  "abs", "avg", "ceil", "coalesce", "collect", "cos", "count", "date", "datetime", "duration", "elementId", "endNode",
  "exists", "exp", "floor", "head", "id", "isEmpty", "keys", "labels", "last", "left", "length", "localdatetime",
  "localtime", "log", "log10", "lower", "ltrim", "max", "min", "nodes", "percentileCont", "percentileDisc",
  "properties", "rand", "range", "relationships", "replace", "reverse", "right", "round", "rtrim", "sign", "sin",
  "size", "split", "sqrt", "startNode", "stDev", "stDevP", "substring", "sum", "tail", "time", "toBoolean",
  "toFloat", "toInteger", "toLower", "toString", "toUpper", "trim", "type", "upper",
];

/** The Monarch definition (exported for tests). */
export const cypherMonarch = {
  ignoreCase: true,
  defaultToken: "",
  keywords: CYPHER_KEYWORDS.map((k) => k.toLowerCase()),
  functions: CYPHER_FUNCTIONS.map((f) => f.toLowerCase()),
  tokenizer: {
    root: [
      [/\/\/.*$/, "comment"],
      [/\/\*/, "comment", "@comment"],
      [/'/, "string", "@stringSingle"],
      [/"/, "string", "@stringDouble"],
      [/`/, "identifier", "@quotedName"],
      [/\$[A-Za-z_][\w]*/, "variable"],
      [/\$\d+/, "variable"],
      // :Label and :REL_TYPE (also after '|' in type alternatives)
      [/(:)(\s*)([A-Za-z_][\w]*)/, ["delimiter", "", "type"]],
      [/(:)(\s*)(`)/, ["delimiter", "", { token: "type", next: "@quotedType" }]],
      [/\d+\.\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?|\d+e[-+]?\d+/i, "number"],
      [/0x[0-9a-f]+|0o[0-7]+|\d+/i, "number"],
      [
        /[A-Za-z_][\w]*(?=\s*\()/,
        { cases: { "@keywords": "keyword", "@functions": "predefined", "@default": "predefined" } },
      ],
      [/[A-Za-z_][\w]*/, { cases: { "@keywords": "keyword", "@default": "identifier" } }],
      [/[{}()[\]]/, "@brackets"],
      [/<-|->|-|<>|<=|>=|=~|[=<>+*/%^.,;|]/, "delimiter"],
      [/\s+/, ""],
    ],
    comment: [
      [/[^/*]+/, "comment"],
      [/\*\//, "comment", "@pop"],
      [/[/*]/, "comment"],
    ],
    stringSingle: [
      [/[^\\']+/, "string"],
      [/\\./, "string.escape"],
      [/'/, "string", "@pop"],
    ],
    stringDouble: [
      [/[^\\"]+/, "string"],
      [/\\./, "string.escape"],
      [/"/, "string", "@pop"],
    ],
    quotedName: [
      [/[^`]+/, "identifier"],
      [/``/, "identifier"],
      [/`/, "identifier", "@pop"],
    ],
    quotedType: [
      [/[^`]+/, "type"],
      [/``/, "type"],
      [/`/, "type", "@pop"],
    ],
  },
} satisfies Monaco.languages.IMonarchLanguage;

const registered = new WeakSet<object>();

export function registerCypherLanguage(monaco: typeof Monaco): void {
  if (registered.has(monaco.languages)) return;
  registered.add(monaco.languages);
  if (!monaco.languages.getLanguages().some((l) => l.id === CYPHER_LANGUAGE_ID)) {
    monaco.languages.register({ id: CYPHER_LANGUAGE_ID, extensions: [".cypher", ".cql"], aliases: ["Cypher", "cypher"] });
  }
  monaco.languages.setMonarchTokensProvider(CYPHER_LANGUAGE_ID, cypherMonarch);
  monaco.languages.setLanguageConfiguration(CYPHER_LANGUAGE_ID, {
    comments: { lineComment: "//", blockComment: ["/*", "*/"] },
    brackets: [
      ["{", "}"],
      ["[", "]"],
      ["(", ")"],
    ],
    autoClosingPairs: [
      { open: "{", close: "}" },
      { open: "[", close: "]" },
      { open: "(", close: ")" },
      { open: "'", close: "'", notIn: ["string", "comment"] },
      { open: '"', close: '"', notIn: ["string", "comment"] },
      { open: "`", close: "`", notIn: ["string", "comment"] },
    ],
    surroundingPairs: [
      { open: "(", close: ")" },
      { open: "[", close: "]" },
      { open: "{", close: "}" },
      { open: "'", close: "'" },
      { open: '"', close: '"' },
    ],
    wordPattern: /(-?\d*\.\d\w*)|([^`~!@#%^&*()\-=+[{\]}\\|;:'",.<>/?\s]+)/g,
  });
}
