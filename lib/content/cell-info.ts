import type { CellKind } from "@/lib/notebook/types";

const CELL_KINDS: readonly CellKind[] = ["tfjs", "cypher", "rust"];

/** Fence languages that stay plain highlighted code (never cells). */
const PLAIN_LANGUAGES = new Set([
  "", "text", "txt", "sh", "bash", "shell", "console", "json", "yaml", "toml", "js", "javascript",
  "ts", "typescript", "python", "py", "diff", "math", "sql", "csv", "html", "css", "markdown", "md",
]);

/** `wrong`: a plausible wrong answer to an exercise, which its check must reject (never shown). */
type CellRole = "cell" | "exercise" | "solution" | "check" | "wrong";

interface CellInfo {
  kind: CellKind;
  id: string;
  role: CellRole;
  hidden: boolean;
  /** Remaining key=value attributes (dataset, file, project, …). */
  attributes: Record<string, string>;
}

export type FenceParse =
  | { type: "cell"; info: CellInfo }
  | { type: "plain" }
  | { type: "error"; message: string };

const KNOWN_KEYS = new Set(["id", "dataset", "file", "project", "mode"]);
const FLAGS = new Set(["exercise", "solution", "check", "wrong", "hidden"]);

/**
 * Parses a fenced block's info string, e.g. "tfjs id=train exercise".
 * Values may be quoted: file="src/lib.rs".
 */
export function parseFenceInfo(lang: string | null | undefined, meta: string | null | undefined): FenceParse {
  const language = (lang ?? "").trim();
  if (!CELL_KINDS.includes(language as CellKind)) {
    if (PLAIN_LANGUAGES.has(language.toLowerCase())) return { type: "plain" };
    return {
      type: "error",
      message: `unknown cell kind "${language}" (cells are ${CELL_KINDS.join(", ")}; plain code blocks may use ${[...PLAIN_LANGUAGES].filter(Boolean).slice(0, 8).join(", ")}, …)`,
    };
  }
  const attributes: Record<string, string> = {};
  const flags = new Set<string>();
  const tokens = (meta ?? "").match(/[^\s=]+="[^"]*"|[^\s=]+=\S+|\S+/g) ?? [];
  for (const token of tokens) {
    const eq = token.indexOf("=");
    if (eq === -1) {
      if (!FLAGS.has(token)) return { type: "error", message: `unknown cell flag "${token}" (flags: ${[...FLAGS].join(", ")})` };
      flags.add(token);
      continue;
    }
    const key = token.slice(0, eq);
    const value = token.slice(eq + 1).replace(/^"(.*)"$/, "$1");
    if (!KNOWN_KEYS.has(key)) return { type: "error", message: `unknown cell attribute "${key}" (attributes: ${[...KNOWN_KEYS].join(", ")})` };
    if (key in attributes) return { type: "error", message: `attribute "${key}" given twice` };
    attributes[key] = value;
  }
  const id = attributes.id;
  if (!id) return { type: "error", message: `${language} cell has no id (add id=<name>, unique in the lesson)` };
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) return { type: "error", message: `cell id "${id}" must be lowercase letters, digits and dashes` };
  delete attributes.id;
  const roles = (["exercise", "solution", "check", "wrong"] as const).filter((r) => flags.has(r));
  if (roles.length > 1) return { type: "error", message: `a cell can be only one of exercise, solution, check, wrong (got ${roles.join(", ")})` };
  const role: CellRole = roles[0] ?? "cell";
  return {
    type: "cell",
    info: { kind: language as CellKind, id, role, hidden: flags.has("hidden") || role === "solution" || role === "wrong", attributes },
  };
}
