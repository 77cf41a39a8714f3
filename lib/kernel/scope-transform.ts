/**
 * Turns a notebook cell into the body of an async function whose top-level names live in a
 * shared scope object, so later cells see them and re-running a cell redefines them.
 *
 * The body is `with (<scope>) {<hoists>\n<cell>\n}`: cell line N is body line N + 1 and columns
 * are kept (only destructuring declarations gain one character), so error positions map back.
 * `with` gives notebook semantics that a static rewrite cannot: a function defined in cell 1
 * can use a name that cell 3 defines later, and an unknown name still throws a ReferenceError.
 *
 * For Interrupt, every loop body starts with a call to the interrupt check and every `await`
 * passes its result through it (`await p` → `CHECK.top(await p)` at the cell's top level,
 * `CHECK(await p)` inside functions), so a cell stops at the next loop iteration or resumed
 * await. Those insertions shift columns on their lines only; `columnEdits` maps them back.
 * Pure string work over acorn's AST; no evaluation here.
 */
import { parse, type Node, type Pattern, type Program, type VariableDeclaration } from "acorn";

/** Name of the scope parameter inside the generated function. Unlikely to clash with cells. */
export const SCOPE_PARAM = "__notebookScope__";

/**
 * Name of the interrupt check parameter: `CHECK(v)` throws when an interrupt is pending and
 * returns `v` otherwise; `CHECK.top(v)` also throws once the run it belongs to was abandoned.
 */
export const CHECK_PARAM = "__notebookCheck__";

/** Text inserted into a cell line, for mapping generated columns back to the cell's. */
export interface ColumnEdit {
  /** 1-based cell line. */
  line: number;
  /** 0-based column in the cell line where the edit starts. */
  column: number;
  /** Characters of the cell replaced. */
  removed: number;
  /** Characters written instead. */
  inserted: number;
}

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
      /** Where the body's columns differ from the cell's, in cell order (see cellColumn). */
      columnEdits: ColumnEdit[];
    }
  | { ok: false; error: CellSyntaxError };

/** Lines the generated body adds above the cell's first line. */
export const BODY_LINE_OFFSET = 1;

interface Edit {
  start: number;
  end: number;
  text: string;
  /**
   * Insertions at the same offset: closing ones first, innermost (deepest) node first; then
   * opening ones, outermost first (so `CHECK(await p)` nests inside a destructuring's parentheses).
   */
  close?: boolean;
  /** Depth in the AST of the node the edit wraps (the program's statements are at 1). */
  depth?: number;
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
    const node = { depth: 2 };
    if (d.id.type === "Identifier") {
      // `let x;` resets x on re-run like a fresh declaration; `var x;` keeps its value as in JS.
      if (!d.init)
        edits.push({
          start: d.end,
          end: d.end,
          text: decl.kind === "var" ? ` = ${d.id.name}` : " = undefined",
          close: true,
          ...node,
        });
    } else {
      edits.push({ start: d.start, end: d.start, text: "(", ...node });
      edits.push({ start: d.end, end: d.end, text: ")", close: true, ...node });
    }
  }
  return names;
}

function compareEdits(a: Edit, b: Edit): number {
  if (a.start !== b.start || a.end !== b.end) return a.start - b.start || a.end - b.end;
  const rank = (e: Edit) => (e.close ? 0 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  return a.close ? (b.depth ?? 0) - (a.depth ?? 0) : (a.depth ?? 0) - (b.depth ?? 0);
}

function applyEdits(source: string, sorted: Edit[]): string {
  let out = "";
  let cursor = 0;
  for (const e of sorted) {
    out += source.slice(cursor, e.start) + e.text;
    cursor = e.end;
  }
  return out + source.slice(cursor);
}

function toColumnEdits(source: string, sorted: Edit[]): ColumnEdit[] {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  let line = 0;
  const result: ColumnEdit[] = [];
  for (const e of sorted) {
    while (line + 1 < lineStarts.length && (lineStarts[line + 1] ?? Infinity) <= e.start) line++;
    const removed = e.end - e.start;
    if (removed === e.text.length) continue;
    result.push({
      line: line + 1,
      column: e.start - (lineStarts[line] ?? 0),
      removed,
      inserted: e.text.length,
    });
  }
  return result;
}

/**
 * The cell column (1-based) of a 1-based column on a body line that holds cell line `line`.
 * A column inside inserted text maps to where the insertion was made.
 */
export function cellColumn(edits: readonly ColumnEdit[], line: number, column: number): number {
  let shift = 0;
  const at = column - 1;
  for (const e of edits) {
    if (e.line !== line) continue;
    const generatedStart = e.column + shift;
    if (at < generatedStart) break;
    if (at < generatedStart + e.inserted) return e.column + 1;
    shift += e.inserted - e.removed;
  }
  return at - shift + 1;
}

type AnyNode = Node & Record<string, unknown>;

function isNode(value: unknown): value is AnyNode {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string" &&
    typeof (value as { start?: unknown }).start === "number"
  );
}

const LOOPS = new Set([
  "WhileStatement",
  "DoWhileStatement",
  "ForStatement",
  "ForInStatement",
  "ForOfStatement",
]);
const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/**
 * Adds the interrupt check at the start of every loop body and around every `await`, anywhere in
 * the cell. Code outside any function uses `CHECK.top`, which also stops the rest of a run that
 * was given up while it waited (its later awaits resume after the cell was reported interrupted).
 */
function instrumentInterruptChecks(program: Program, edits: Edit[]): void {
  const visit = (node: AnyNode, nested: boolean, depth: number): void => {
    const check = nested ? CHECK_PARAM : `${CHECK_PARAM}.top`;
    if (LOOPS.has(node.type) && isNode(node.body)) {
      const body = node.body;
      const span = { depth: depth + 1 };
      if (body.type === "BlockStatement") {
        edits.push({ start: body.start + 1, end: body.start + 1, text: `${check}();`, ...span });
      } else {
        edits.push({ start: body.start, end: body.start, text: `{${check}();`, ...span });
        edits.push({ start: body.end, end: body.end, text: "}", close: true, ...span });
      }
    } else if (node.type === "AwaitExpression") {
      const span = { depth };
      edits.push({ start: node.start, end: node.start, text: `${check}(`, ...span });
      edits.push({ start: node.end, end: node.end, text: ")", close: true, ...span });
    }
    const inner = nested || FUNCTIONS.has(node.type) || node.type === "ClassBody";
    for (const key of Object.keys(node)) {
      if (key === "loc") continue;
      const value = node[key];
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) visit(child, inner, depth + 1);
      } else if (isNode(value)) {
        visit(value, inner, depth + 1);
      }
    }
  };
  visit(program as unknown as AnyNode, false, 0);
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
      const node = { depth: 1 };
      edits.push({ start: stmt.start, end: stmt.start, text: `${cls.id.name} = `, ...node });
      edits.push({ start: stmt.end, end: stmt.end, text: ";", close: true, ...node });
    }
  }
  instrumentInterruptChecks(program, edits);
  edits.sort(compareEdits);
  // Function declarations are hoisted to the top of the block, so the header can publish them
  // before any cell code runs (a cell may call a function it defines further down).
  const hoists = functionNames.map((n) => `${SCOPE_PARAM}.${n} = ${n};`).join(" ");
  const body = `with (${SCOPE_PARAM}) {${hoists}\n${applyEdits(source, edits)}\n}`;
  return {
    ok: true,
    body,
    declaredNames: [...declared],
    columnEdits: toColumnEdits(source, edits),
  };
}

/** Top-level names a cell declares; [] when it does not parse (used for error hints). */
export function declaredTopLevelNames(source: string): string[] {
  const result = transformCell(source);
  return result.ok ? result.declaredNames : [];
}
