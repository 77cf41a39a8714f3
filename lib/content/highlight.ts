import { createHighlighter, type Highlighter } from "shiki";

const LANGUAGES = ["javascript", "typescript", "cypher", "rust", "toml", "json", "bash", "python", "sql", "yaml"] as const;
const ALIASES: Record<string, (typeof LANGUAGES)[number]> = {
  tfjs: "javascript", js: "javascript", ts: "typescript", sh: "bash", shell: "bash", console: "bash", py: "python", yml: "yaml",
};

let highlighter: Promise<Highlighter> | null = null;

function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({ themes: ["github-light-default", "github-dark-default"], langs: [...LANGUAGES] });
  return highlighter;
}

/**
 * Highlights code at build time into HTML with both light and dark colours as CSS variables
 * (`--shiki-light`, `--shiki-dark`), so no JavaScript is needed to read it.
 */
export async function highlightCode(code: string, language: string): Promise<string> {
  const h = await getHighlighter();
  const requested = language.toLowerCase();
  const lang = ALIASES[requested] ?? ((LANGUAGES as readonly string[]).includes(requested) ? requested : "text");
  return h.codeToHtml(code, {
    lang,
    themes: { light: "github-light-default", dark: "github-dark-default" },
    defaultColor: false,
    // GitHub's light comment grey is just under 4.5:1 on our code background; darken it.
    colorReplacements: { "github-light-default": { "#6e7781": "#57606a" } },
  });
}
