import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { KERNEL_API_DTS } from "./kernel-api-dts";

const root = path.resolve(__dirname, "../..");
const virtualDir = path.join(root, "__virtual_cells__");
const IGNORED = new Set([1375, 1378, 2451, 2300, 2393, 1108]);

/** Type-checks JavaScript cells (checkJs) against the API declarations and the real tfjs typings. */
function diagnose(cells: string): string[] {
  const files: Record<string, string> = {
    [path.join(virtualDir, "api.d.ts")]: KERNEL_API_DTS,
    [path.join(virtualDir, "cell.js")]: cells,
  };
  const options: ts.CompilerOptions = {
    allowJs: true,
    checkJs: true,
    noEmit: true,
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.esnext.d.ts", "lib.webworker.d.ts"],
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => f in files || fileExists.call(host, f);
  host.readFile = (f) => files[f] ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) =>
    f in files
      ? ts.createSourceFile(f, files[f]!, lang)
      : getSourceFile.call(host, f, lang, ...rest);
  const program = ts.createProgram(Object.keys(files), options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !IGNORED.has(d.code) && d.file && d.file.fileName.startsWith(virtualDir))
    .map((d) => `${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

describe("kernel API declarations", () => {
  it("type-check a lesson's cells with the real tfjs typings", () => {
    const errors = diagnose(`
const t = tf.range(0, 100);
const values = await t.data();
const p = plot([{ y: Array.from(values), mode: "lines", name: "series" }], { title: "Synthetic series" });
p.update([{ y: t }]);
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 32, inputShape: [20, 1] }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
const history = await model.fit(tf.zeros([4, 20, 1]), tf.zeros([4, 1]), { epochs: 2, callbacks: trainingCallbacks({ logScale: true }) });
display(t, history, { a: 1 });
const bar = progress("Steps", 10);
bar.update(3, "three");
`);
    expect(errors).toEqual([]);
  }, 60_000);

  it("catches mistakes, so the typings are really in effect", () => {
    const errors = diagnose(`tf.sequentail();\nplot(5);\nprogress(1, 2);`);
    expect(errors.some((e) => e.startsWith("2551") && e.includes("sequential"))).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
