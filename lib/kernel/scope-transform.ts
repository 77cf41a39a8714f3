/**
 * Turns a notebook cell into the body of an async function whose top-level names live in a
 * shared scope object, so later cells see them and re-running a cell redefines them.
 *
 * The body is `with (<scope>) {<hoists>\n<cell>\n}`: cell line N is body line N + 1 and columns
 * are kept (only destructuring declarations gain one character), so error positions map back.
 * `with` gives notebook semantics that a static rewrite cannot: a function defined in cell 1
 * can use a name that cell 3 defines later, and an unknown name still throws a ReferenceError.
 * Pure string work over acorn's AST; no evaluation here.
 */
import { parse, type Node, type Pattern, type Program, type VariableDeclaration } from "acorn";

/** Name of the scope parameter inside the generated function. Unlikely to clash with cells. */
export const SCOPE_PARAM = "__notebookScope__";

interface CellSyntaxError {
  message: string;
  /** 1-based, in the cell. */
  line: number;
  /** 1-based, in the cell. */
  column: number;
}

export type TransformResult =
  | {
      ok: true;
      /** Function body; cell line N is body line N + BODY_LINE_OFFSET. */
      body: string;
      /** Every name the cell declares at its top level (created in the scope before running). */
      declaredNames: string[];
    }
  | { ok: false; error: CellSyntaxError };

/** Lines the generated body adds above the cell's first line. */
export const BODY_LINE_OFFSET = 1;

interface Edit {
  start: number;
  end: number;
  text: string;
}

function parseCell(source: string): Program {
  return parse(source, {
    ecmaVersion: "latest",
    sourceType: "script",
    allowAwaitOutsideFunction: true,
    allowReturnOutsideFunction: false,
    allowHashBang: false,
    locations: true,
  });
}

/** Identifiers bound by a declaration target (`a`, `{ a, b: [c] }`, `[d = 1, ...e]`). */
function patternNames(pattern: Pattern): string[] {
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name];
    case "ObjectPattern":
      return pattern.properties.flatMap((p) =>
        p.type === "RestElement" ? patternNames(p.argument) : patternNames(p.value),
      );
    case "ArrayPattern":
      return pattern.elements.flatMap((e) => (e ? patternNames(e) : []));
    case "RestElement":
      return patternNames(pattern.argument);
    case "AssignmentPattern":
      return patternNames(pattern.left);
    case "MemberExpression":
      return [];
  }
}

function rewriteVariableDeclaration(decl: VariableDeclaration, edits: Edit[]): string[] {
  const names: string[] = [];
  const first = decl.declarations[0];
  if (!first) return names;
  // The keyword becomes `;` plus padding: keeps columns and stops the previous line from
  // swallowing the assignment through automatic semicolon insertion (`f()\n(a = 1)`).
  edits.push({
    start: decl.start,
    end: first.start,
    text: ";".padEnd(first.start - decl.start, " "),
  });
  for (const d of decl.declarations) {
    names.push(...patternNames(d.id));
    if (d.id.type === "Identifier") {
      // `let x;` resets x on re-run like a fresh declaration; `var x;` keeps its value as in JS.
      if (!d.init)
        edits.push({
          start: d.end,
          end: d.end,
          text: decl.kind === "var" ? ` = ${d.id.name}` : " = undefined",
        });
    } else {
      edits.push({ start: d.start, end: d.start, text: "(" });
      edits.push({ start: d.end, end: d.end, text: ")" });
    }
  }
  return names;
}

function applyEdits(source: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let cursor = 0;
  for (const e of sorted) {
    out += source.slice(cursor, e.start) + e.text;
    cursor = e.end;
  }
  return out + source.slice(cursor);
}

function toSyntaxError(err: unknown): CellSyntaxError {
  const e = err as { message?: string; loc?: { line: number; column: number } };
  let message = (e.message ?? String(err)).replace(/\s*\(\d+:\d+\)$/, "");
  if (/may appear only with 'sourceType: module'/.test(message)) {
    message =
      "import and export are not available in notebook cells: `tf` and the output helpers are already in scope";
  } else if (/'return' outside of function/.test(message)) {
    message = "'return' is only allowed inside a function: a cell is a script, not a function body";
  }
  return { message, line: e.loc?.line ?? 1, column: (e.loc?.column ?? 0) + 1 };
}

export function transformCell(source: string): TransformResult {
  let program: Program;
  try {
    program = parseCell(source);
  } catch (err) {
    return { ok: false, error: toSyntaxError(err) };
  }
  const edits: Edit[] = [];
  const declared = new Set<string>();
  const functionNames: string[] = [];
  for (const stmt of program.body as Node[]) {
    if (stmt.type === "VariableDeclaration") {
      for (const n of rewriteVariableDeclaration(stmt as VariableDeclaration, edits))
        declared.add(n);
    } else if (stmt.type === "FunctionDeclaration") {
      const fn = stmt as Node & { id: { name: string } };
      declared.add(fn.id.name);
      functionNames.push(fn.id.name);
    } else if (stmt.type === "ClassDeclaration") {
      const cls = stmt as Node & { id: { name: string } };
      declared.add(cls.id.name);
      // `A = class A {};` is a live binding in the scope; the `;` guards the next line.
      edits.push({ start: stmt.start, end: stmt.start, text: `${cls.id.name} = ` });
      edits.push({ start: stmt.end, end: stmt.end, text: ";" });
    }
  }
  // Function declarations are hoisted to the top of the block, so the header can publish them
  // before any cell code runs (a cell may call a function it defines further down).
  const hoists = functionNames.map((n) => `${SCOPE_PARAM}.${n} = ${n};`).join(" ");
  const body = `with (${SCOPE_PARAM}) {${hoists}\n${applyEdits(source, edits)}\n}`;
  return { ok: true, body, declaredNames: [...declared] };
}

/** Top-level names a cell declares; [] when it does not parse (used for error hints). */
export function declaredTopLevelNames(source: string): string[] {
  const result = transformCell(source);
  return result.ok ? result.declaredNames : [];
}
