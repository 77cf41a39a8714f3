/**
 * Cypher for Monaco, registered by the Cypher cell kind's `configure` hook (descriptor.ts):
 * colouring from the engine's own lexer (cypher-tokens.ts) and completion of the lesson's
 * labels, relationship types, property keys and the engine's functions (cypher-completion.ts,
 * with the schema the lesson page was built with: completion-schema.ts). Plus brackets and
 * comment toggling.
 */
import type * as Monaco from "monaco-editor";
import { cypherCompletions, type CypherCompletionKind } from "./cypher-completion";
import { tokenizeCypherLine, type LineState } from "./cypher-tokens";
import { currentCypherSchema } from "./completion-schema";

const CYPHER_LANGUAGE_ID = "cypher";

class CypherLineState implements Monaco.languages.IState {
  constructor(readonly state: LineState) {}
  clone(): CypherLineState {
    return new CypherLineState(this.state);
  }
  equals(other: Monaco.languages.IState): boolean {
    return other instanceof CypherLineState && other.state === this.state;
  }
}

const registered = new WeakSet<object>();

export function registerCypherLanguage(monaco: typeof Monaco): void {
  if (registered.has(monaco.languages)) return;
  registered.add(monaco.languages);
  if (!monaco.languages.getLanguages().some((l) => l.id === CYPHER_LANGUAGE_ID)) {
    monaco.languages.register({
      id: CYPHER_LANGUAGE_ID,
      extensions: [".cypher", ".cql"],
      aliases: ["Cypher", "cypher"],
    });
  }
  monaco.languages.setTokensProvider(CYPHER_LANGUAGE_ID, {
    getInitialState: () => new CypherLineState("code"),
    tokenize(line, state) {
      const { tokens, state: next } = tokenizeCypherLine(
        line,
        state instanceof CypherLineState ? state.state : "code",
      );
      return {
        tokens: tokens.map((t) => ({ startIndex: t.startIndex, scopes: t.scope })),
        endState: new CypherLineState(next),
      };
    },
  });

  const kinds: Record<CypherCompletionKind, Monaco.languages.CompletionItemKind> = {
    label: monaco.languages.CompletionItemKind.Class,
    relationshipType: monaco.languages.CompletionItemKind.Interface,
    property: monaco.languages.CompletionItemKind.Property,
    function: monaco.languages.CompletionItemKind.Function,
    keyword: monaco.languages.CompletionItemKind.Keyword,
  };
  monaco.languages.registerCompletionItemProvider(CYPHER_LANGUAGE_ID, {
    triggerCharacters: [":", ".", "|", "{"],
    provideCompletionItems(model, position) {
      const before = model.getValueInRange({
        startLineNumber: 1,
        startColumn: 1,
        endLineNumber: position.lineNumber,
        endColumn: position.column,
      });
      const { replace, items } = cypherCompletions(before, currentCypherSchema());
      const range = {
        startLineNumber: position.lineNumber,
        startColumn: position.column - replace,
        endLineNumber: position.lineNumber,
        endColumn: position.column,
      };
      return {
        suggestions: items.map((item, index) => ({
          label: item.label,
          kind: kinds[item.kind],
          insertText: item.insertText,
          detail: item.detail,
          // The graph's own names first, then functions, then keywords.
          sortText: `${item.kind === "keyword" ? 2 : item.kind === "function" ? 1 : 0}${String(index).padStart(4, "0")}`,
          range,
        })),
      };
    },
  });
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
