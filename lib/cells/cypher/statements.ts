/**
 * Splits a cell (or a dataset file) into Cypher statements at top-level semicolons — not inside
 * strings, backtick names or comments — remembering where each starts so that an error
 * position inside one statement maps back to the cell's line and column.
 */
import { positionAt } from "@courses/cypher";

export interface Statement {
  text: string;
  /** 1-based line and column of the statement's first character in the whole source. */
  line: number;
  column: number;
}

export function splitStatements(source: string): Statement[] {
  const out: Statement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number): void => {
    const raw = source.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text && !isOnlyComments(text)) {
      const { line, column } = lineColumnAt(source, start + lead);
      out.push({ text, line, column });
    }
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === "'" || c === '"' || c === "`") {
      i++;
      while (i < source.length && source[i] !== c) i += source[i] === "\\" && c !== "`" ? 2 : 1;
      i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      const close = source.indexOf("*/", i + 2);
      i = close < 0 ? source.length : close + 2;
    } else if (c === ";") {
      push(i);
      start = ++i;
    } else i++;
  }
  push(source.length);
  return out;
}

function isOnlyComments(text: string): boolean {
  return (
    text
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\/\/.*$/gm, "")
      .trim() === ""
  );
}

function lineColumnAt(source: string, offset: number): { line: number; column: number } {
  const { line, column } = positionAt(source, offset);
  return { line, column };
}

/** A position reported for one statement → the position in the whole cell. */
export function toCellPosition(
  statement: Statement,
  line: number,
  column: number,
): { line: number; column: number } {
  return line === 1
    ? { line: statement.line, column: statement.column + column - 1 }
    : { line: statement.line + line - 1, column };
}
