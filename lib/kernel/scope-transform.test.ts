import { describe, expect, it } from "vitest";
import { parse } from "acorn";
import {
  BODY_LINE_OFFSET,
  CHECK_PARAM,
  cellColumn,
  declaredTopLevelNames,
  transformCell,
} from "./scope-transform";
import { compileCell, errorPositionInCell, type InterruptCheck } from "./cell-function";

/** Runs cells one after another against one scope, like the kernel does. */
function notebook() {
  const scope: Record<string, unknown> = Object.create(null);
  let n = 0;
  return {
    scope,
    async run(source: string) {
      const t = transformCell(source);
      if (!t.ok) throw new Error(`syntax: ${t.error.message}`);
      for (const name of t.declaredNames) if (!(name in scope)) scope[name] = undefined;
      const url = `test-cell-${++n}.js`;
      try {
        return await compileCell(t.body, url)(scope);
      } catch (err) {
        (err as { position?: unknown }).position = await errorPositionInCell(
          err,
          url,
          t.columnEdits,
        );
        throw err;
      }
    },
  };
}

describe("transformCell", () => {
  it("keeps the line count and the columns of plain declarations", () => {
    const src = "const a = 1;\nlet b = a + 1\nfunction f() { return b }\nclass C {}\nvar d;";
    const t = transformCell(src);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    const lines = t.body.split("\n");
    expect(lines.length).toBe(src.split("\n").length + BODY_LINE_OFFSET + 1);
    expect(lines[1]!.indexOf("a = 1")).toBe(src.split("\n")[0]!.indexOf("a = 1"));
    expect(new Set(t.declaredNames)).toEqual(new Set(["a", "b", "f", "C", "d"]));
  });

  it("produces a body that parses as an async function body", () => {
    const src =
      "const { x, y: [z, ...rest] = [] } = obj\n[1, 2].forEach(v => v)\nconst w = await p\nclass K extends Base {}\n(() => 1)()";
    const t = transformCell(src);
    expect(t.ok).toBe(true);
    if (!t.ok) return;
    expect(() =>
      parse(`(async function (s) {${t.body}})`, { ecmaVersion: "latest", sourceType: "script" }),
    ).not.toThrow();
    expect(new Set(t.declaredNames)).toEqual(new Set(["x", "z", "rest", "w", "K"]));
  });

  it("reports syntax errors with a 1-based line and column in the cell", () => {
    const t = transformCell("const a = 1;\nconst b = ;\n");
    expect(t.ok).toBe(false);
    if (t.ok) return;
    expect(t.error.line).toBe(2);
    expect(t.error.column).toBe(11);
    expect(t.error.message).not.toMatch(/\(\d+:\d+\)/);
  });

  it("rejects import and top-level return with explanations", () => {
    const imp = transformCell('import * as tf from "@tensorflow/tfjs";');
    expect(!imp.ok && imp.error.message).toMatch(/already in scope/);
    const ret = transformCell("return 1;");
    expect(!ret.ok && ret.error.message).toMatch(/only allowed inside a function/);
  });

  it("lists declared names and tolerates broken cells", () => {
    expect(declaredTopLevelNames("let [a, , b = 2] = xs; for (let i = 0; i < 2; i++) {}")).toEqual([
      "a",
      "b",
    ]);
    expect(declaredTopLevelNames("let = = =")).toEqual([]);
  });
});

describe("notebook semantics", () => {
  it("shares top-level names between cells and redefines on re-run", async () => {
    const nb = notebook();
    await nb.run("const a = 2;\nlet b = a * 3;");
    expect(await nb.run("return_ = a + b;\nvar return_;")).toBeUndefined();
    expect(nb.scope.return_).toBe(8);
    await nb.run("const a = 10;");
    await nb.run("b = a + 1");
    expect(nb.scope.b).toBe(11);
  });

  it("supports top-level await and destructuring", async () => {
    const nb = notebook();
    await nb.run(
      "const { x, y: [z] } = await Promise.resolve({ x: 1, y: [2] });\nconst [p, ...q] = [3, 4, 5];",
    );
    expect([nb.scope.x, nb.scope.z, nb.scope.p, nb.scope.q]).toEqual([1, 2, 3, [4, 5]]);
  });

  it("hoists functions and keeps live bindings across cells", async () => {
    const nb = notebook();
    await nb.run("function twice(v) { return v * factor; }\nvar factor = 2;");
    await nb.run("let count = 0;\nfunction inc() { count++; return later; }");
    await nb.run("const later = 'ok';");
    expect(await nb.run("result = [inc(), inc(), count, twice(5)];\nvar result;")).toBeUndefined();
    expect(nb.scope.result).toEqual(["ok", "ok", 2, 10]);
  });

  it("lets a function be called above its declaration in the same cell", async () => {
    const nb = notebook();
    await nb.run("const v = sq(3);\nfunction sq(n) { return n * n; }");
    expect(nb.scope.v).toBe(9);
    expect(typeof nb.scope.sq).toBe("function");
  });

  it("defines classes in the scope", async () => {
    const nb = notebook();
    await nb.run("class Counter { constructor() { this.n = 1; } }");
    await nb.run("const c = new Counter();");
    expect((nb.scope.c as { n: number }).n).toBe(1);
  });

  it("throws a ReferenceError naming a name no cell has defined yet", async () => {
    const nb = notebook();
    await expect(nb.run("const y = notDefinedYet + 1;")).rejects.toThrow(
      /notDefinedYet is not defined/,
    );
  });

  it("maps runtime errors to the line and column in the cell", async () => {
    const nb = notebook();
    const err = await nb.run("const a = 1;\n\n  null.boom;").catch((e: unknown) => e);
    expect((err as { position: unknown }).position).toEqual({ line: 3, column: 8 });
  });

  it("does not leak cell names into the global object", async () => {
    const nb = notebook();
    await nb.run("const leakCheckName = 1;\nlet other;\nvar third = 3;");
    expect("leakCheckName" in globalThis).toBe(false);
    expect("third" in globalThis).toBe(false);
  });
});

/** The body's cell lines (without the `with` header and closing line). */
function cellLines(source: string): string[] {
  const t = transformCell(source);
  if (!t.ok) throw new Error(`syntax: ${t.error.message}`);
  return t.body.split("\n").slice(BODY_LINE_OFFSET, -1);
}

/** A check that counts its calls and throws once `limit` calls were made. */
function countingCheck(limit = Infinity) {
  const calls = { nested: 0, top: 0 };
  const stop = () => {
    if (calls.nested + calls.top >= limit) throw new Error("stopped by the check");
  };
  const check: InterruptCheck = Object.assign(
    (v?: unknown) => {
      calls.nested++;
      stop();
      return v;
    },
    {
      top: (v?: unknown) => {
        calls.top++;
        stop();
        return v;
      },
    },
  );
  return { check, calls };
}

describe("interrupt checks", () => {
  it("starts every kind of loop body with a check, top level and inside functions", () => {
    const src = [
      "while (true) { i++; }",
      "for (let i = 0; i < 3; i++) work(i);",
      "do x--; while (x > 0)",
      "for (const k in o) {}",
      "for await (const v of gen()) ;",
      "function f() { while (a) b(); }",
    ].join("\n");
    expect(cellLines(src)).toEqual([
      `while (true) {${CHECK_PARAM}.top(); i++; }`,
      `for (let i = 0; i < 3; i++) {${CHECK_PARAM}.top();work(i);}`,
      `do {${CHECK_PARAM}.top();x--;} while (x > 0)`,
      `for (const k in o) {${CHECK_PARAM}.top();}`,
      `for await (const v of gen()) {${CHECK_PARAM}.top();;}`,
      `function f() { while (a) {${CHECK_PARAM}();b();} }`,
    ]);
  });

  it("passes every await through the check, inside destructuring parentheses", () => {
    expect(cellLines("const { a } = await p;\nconst g = async () => (await q) + 1;")).toEqual([
      `;     ({ a } = ${CHECK_PARAM}.top(await p));`,
      `;     g = async () => (${CHECK_PARAM}(await q)) + 1;`,
    ]);
    // A statement and its await with the same span: the check's parenthesis closes first.
    expect(cellLines("while (x) await y")).toEqual([
      `while (x) {${CHECK_PARAM}.top();${CHECK_PARAM}.top(await y)}`,
    ]);
  });

  it("leaves loops and awaits inside strings, comments and templates alone", () => {
    const src =
      "const s = 'while (true) {}';\n// for (;;) {}\nconst t = `do { await x } while (1)`;\n/* await y */";
    const t = transformCell(src);
    expect(t.ok && t.body).not.toContain(CHECK_PARAM);
    expect(t.ok && t.columnEdits).toEqual([]);
  });

  it("maps columns after inserted checks back to the cell", () => {
    const src = "let n = 0;\nwhile (n < 1) { n++; null.boom; }";
    const t = transformCell(src);
    if (!t.ok) throw new Error("parse");
    const generated = t.body.split("\n")[2]!;
    const at = generated.indexOf("null.boom") + 1;
    expect(cellColumn(t.columnEdits, 2, at)).toBe(src.split("\n")[1]!.indexOf("null.boom") + 1);
    // A column inside the inserted call points at where it was inserted: the loop body's start.
    const inCheck = generated.indexOf(CHECK_PARAM) + 1;
    expect(cellColumn(t.columnEdits, 2, inCheck)).toBe(src.split("\n")[1]!.indexOf("{") + 2);
    // Lines without insertions are untouched.
    expect(cellColumn(t.columnEdits, 1, 5)).toBe(5);
  });

  it("reports runtime errors at the right line and column despite the checks", async () => {
    const nb = notebook();
    const err = await nb
      .run("let i = 0;\nwhile (i < 3) { i++; }\nfor (;;) { await 0; i.x.y; }")
      .catch((e: unknown) => e);
    // V8 points at the failing property name, `y`.
    expect((err as { position: unknown }).position).toEqual({ line: 3, column: 25 });
  });

  it("calls the check once per iteration and per await, and stops when it throws", async () => {
    const t = transformCell(
      "let n = 0;\nfunction inner() { for (let j = 0; j < 2; j++) n++; }\nwhile (n < 6) { inner(); await null; }",
    );
    if (!t.ok) throw new Error("parse");
    const scope: Record<string, unknown> = Object.assign(Object.create(null), { n: undefined });
    const { check, calls } = countingCheck();
    await compileCell(t.body, "count.js", check)(scope);
    expect(scope.n).toBe(6);
    // 3 outer iterations (each one loop check and one await check), 6 inner iterations.
    expect(calls).toEqual({ top: 6, nested: 6 });
    const stopped = countingCheck(4);
    await expect(
      compileCell(t.body, "count2.js", stopped.check)(Object.assign(Object.create(null), { n: 0 })),
    ).rejects.toThrow("stopped by the check");
  });
});
