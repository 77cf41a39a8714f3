import { LineCounter, parseDocument, isMap, isScalar } from "yaml";
import { frontMatterSchema, type FrontMatter } from "./schema";

export interface ContentProblem {
  line: number;
  message: string;
}

export interface SplitFrontMatter {
  frontMatter: FrontMatter | null;
  body: string;
  /** Number of lines before the body starts (to turn body lines into file lines). */
  bodyLineOffset: number;
  problems: ContentProblem[];
}

/** Splits `---\n yaml \n---\n body`, validates the YAML with zod, and reports problems by line. */
export function splitFrontMatter(text: string): SplitFrontMatter {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!match) {
    return {
      frontMatter: null,
      body: text,
      bodyLineOffset: 0,
      problems: [{ line: 1, message: "lesson must start with front matter (--- title/summary/minutes ---)" }],
    };
  }
  const yamlText = match[1] ?? "";
  const bodyLineOffset = match[0].split("\n").length - 1;
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false });
  const problems: ContentProblem[] = [];
  for (const error of doc.errors) {
    problems.push({ line: 1 + (lineCounter.linePos(error.pos[0]).line ?? 0), message: `front matter: ${error.message}` });
  }
  if (problems.length > 0) return { frontMatter: null, body: text.slice(match[0].length), bodyLineOffset, problems };

  const lineOfKey = (key: unknown): number => {
    if (isMap(doc.contents)) {
      for (const pair of doc.contents.items) {
        if (isScalar(pair.key) && pair.key.value === key && pair.key.range) {
          return 1 + lineCounter.linePos(pair.key.range[0]).line;
        }
      }
    }
    return 1;
  };
  const parsed = frontMatterSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [];
      const where = keys.length > 0 ? lineOfKey(keys[0]) : lineOfKey(key);
      const label = keys.length > 0 ? keys.join(", ") : issue.path.join(".") || "front matter";
      problems.push({ line: where, message: `front matter ${label}: ${issue.message}` });
    }
  }
  return {
    frontMatter: parsed.success ? parsed.data : null,
    body: text.slice(match[0].length),
    bodyLineOffset,
    problems,
  };
}
