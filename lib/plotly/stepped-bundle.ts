/**
 * Turns Plotly's official cartesian bundle (an esbuild IIFE inside a UMD wrapper) into a script
 * the page can evaluate without one long main-thread task.
 *
 * Evaluated as shipped, the bundle runs all of Plotly's module bodies in one task (≈ 200–300 ms
 * on a 2-core machine, measured 2026-12-04). esbuild wraps every module in a lazy initializer
 * (`var x = __commonJS(...)` / `__esm(...)`) and the entry calls them all at once. This rewrite
 * keeps the code byte for byte and only changes the ending: instead of running the entry, the
 * IIFE returns every top-level lazy initializer (`steps`) and the entry (`finish`), assigned to
 * `self[globalName]`. The page calls the steps a few at a time between tasks, then `finish()`,
 * which then finds every module already initialized.
 *
 * The `allFunctionsCalledOnLoad` compile hint makes Chromium compile every function on the
 * background streaming thread (a `<script async>` of a same-origin file) instead of lazily on the
 * main thread at first call, which halves the cost of the first draws.
 */
import { parse } from "acorn";

export interface SteppedBundle {
  /** The script to serve. */
  code: string;
  /** How many lazy initializers the page will call one by one. */
  steps: number;
}

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const COMMONJS_HELPER =
  /^\((\w+),(\w+)\)=>\(\)=>\{try\{return \2\|\|\1\(\(\2=\{exports:\{\}\}\)\.exports,\2\),\2\.exports\}/;
const ESM_HELPER =
  /^\((\w+),(\w+),(\w+)\)=>\(\)=>\{if\(\3\)throw \3\[0\];try\{return \1&&\(\2=\1\(\1=0\)\),\2\}/;

const isNode = (x: unknown): x is Node =>
  typeof x === "object" && x !== null && typeof (x as Node).type === "string";

function fail(reason: string): never {
  throw new Error(
    `Unexpected Plotly bundle layout (${reason}): update lib/plotly/stepped-bundle.ts`,
  );
}

/** `var <name> = …` declarators of a statement list, with their initializers. */
function declarators(statements: Node[]): { name: string; init: Node | null }[] {
  const out: { name: string; init: Node | null }[] = [];
  for (const statement of statements) {
    if (statement.type !== "VariableDeclaration") continue;
    for (const d of statement.declarations as Node[]) {
      const id = d.id as Node;
      if (id.type === "Identifier")
        out.push({ name: id.name as string, init: (d.init as Node) ?? null });
    }
  }
  return out;
}

export function steppedBundle(source: string, globalName: string): SteppedBundle {
  const start = source.indexOf('"use strict";var Plotly=');
  const end = source.lastIndexOf("window.Plotly = Plotly;");
  if (start < 0 || end < start) fail("no `var Plotly=` IIFE");
  const inner = source.slice(start, end);
  const program = parse(inner, { ecmaVersion: "latest", sourceType: "script" }) as unknown as Node;
  const top = declarators(program.body as Node[]).find((d) => d.name === "Plotly");
  const call = top?.init;
  if (!call || call.type !== "CallExpression" || !isNode(call.callee))
    fail("Plotly is not an IIFE");
  const fn = call.callee;
  if (!isNode(fn.body) || fn.body.type !== "BlockStatement") fail("the IIFE has no block body");
  const body = fn.body.body as Node[];

  const helpers = new Set<string>();
  const all = declarators(body);
  for (const { name, init } of all) {
    const code = init ? inner.slice(init.start, init.end) : "";
    if (COMMONJS_HELPER.test(code) || ESM_HELPER.test(code)) helpers.add(name);
  }
  if (helpers.size === 0) fail("no esbuild module helpers");
  const steps = all
    .filter(
      ({ init }) =>
        init?.type === "CallExpression" &&
        isNode(init.callee) &&
        init.callee.type === "Identifier" &&
        helpers.has(init.callee.name as string),
    )
    .map(({ name }) => name);

  const last = body.at(-1);
  if (!last || last.type !== "ReturnStatement" || !isNode(last.argument))
    fail("the IIFE does not end with `return entry()`");
  const entry = inner.slice(last.argument.start, last.argument.end);
  const code =
    "//# allFunctionsCalledOnLoad\n" +
    inner.slice(0, last.start) +
    `return{steps:[${steps.join(",")}],finish:()=>${entry}}` +
    inner.slice(last.end) +
    `\nself[${JSON.stringify(globalName)}]=Plotly;\n`;
  return { code, steps: steps.length };
}
