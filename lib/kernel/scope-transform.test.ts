import { describe, expect, it } from "vitest";
import { parse } from "acorn";
import { BODY_LINE_OFFSET, declaredTopLevelNames, transformCell } from "./scope-transform";
import { compileCell, errorPositionInCell } from "./cell-function";

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
        (err as { position?: unknown }).position = await errorPositionInCell(err, url);
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
