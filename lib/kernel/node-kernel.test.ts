import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import type { CellOutput } from "@/lib/notebook/types";
import { createNodeKernel } from "./node-kernel";

const kernel = createNodeKernel({ backend: "wasm", trainingScale: 0.5 });
afterAll(() => kernel.dispose());

function texts(outputs: CellOutput[]): string {
  return outputs.map((o) => (o.type === "text" ? o.text : "")).join("\n");
}

describe("node kernel", () => {
  it("shares names between cells and captures console and display", async () => {
    const a = await kernel.run(
      "const xs = tf.tensor2d([[1, 2], [3, 4]]);\nconsole.log('sum', xs.sum().arraySync());\ndisplay(xs);",
    );
    expect(a.status).toBe("ok");
    expect(texts(a.outputs)).toContain("sum 10");
    const tensor = a.outputs.find((o) => o.type === "tensor");
    expect(tensor).toMatchObject({ type: "tensor", shape: [2, 2], dtype: "float32" });
    const b = await kernel.run(
      "display([{ a: 1, b: 'x' }, { a: 2 }]);\ndisplay(xs.shape.join('x'));",
    );
    expect(b.outputs[0]).toEqual({
      type: "table",
      columns: ["a", "b"],
      rows: [
        [1, "x"],
        [2, null],
      ],
    });
    expect(b.outputs[1]).toEqual({ type: "text", stream: "stdout", text: "2x2" });
    const big = await kernel.run("const big = tf.zeros([200, 20, 1]);\ndisplay(big);");
    const preview = big.outputs[0]?.type === "tensor" ? big.outputs[0].preview : "";
    expect(preview.split("\n").length).toBeLessThanOrEqual(31);
    expect(preview).toMatch(/more lines/);
  });

  it("shows two console.log calls as two lines of one output, like the browser cell", async () => {
    const r = await kernel.run("console.log('before:', 1);\nconsole.log('after one step:', 2);");
    expect(r.outputs).toEqual([
      { type: "text", stream: "stdout", text: "before: 1\nafter one step: 2" },
    ]);
  });

  it("reports errors with the line in the cell", async () => {
    const r = await kernel.run("const ok = 1;\nconst bad = ok.nope.deeper;");
    expect(r.status).toBe("error");
    expect(r.error).toMatchObject({ name: "TypeError", line: 2 });
    const s = await kernel.run("const x = ;");
    expect(r.outputs.some((o) => o.type === "error")).toBe(true);
    expect(s.error).toMatchObject({ name: "SyntaxError", line: 1, column: 11 });
  });

  it("explains allocations that are too large and keeps working", async () => {
    const r = await kernel.run("const huge = new Float64Array(1e15);");
    expect(r.error?.name).toBe("RangeError");
    expect(r.error?.message).toMatch(/larger than the memory the kernel can use/);
    expect((await kernel.run("display(1 + 1)")).outputs[0]).toEqual({
      type: "text",
      stream: "stdout",
      text: "2",
    });
  });

  it("names the cell that defines a missing name", async () => {
    const r = await kernel.run("display(laterName);", {
      previousCells: [{ id: "define-it", code: "const laterName = 3;" }],
    });
    expect(r.error?.name).toBe("ReferenceError");
    expect(r.error?.message).toMatch(/laterName is not defined.*"define-it"/);
  });

  it("warns when a run leaks tensors and not when it keeps them in names", async () => {
    const kept = await kernel.run("const keep = tf.ones([3]);");
    expect(kept.leakedTensors).toBe(0);
    const leaky = await kernel.run("tf.ones([3]).add(1);");
    expect(leaky.leakedTensors).toBeGreaterThanOrEqual(2);
    expect(texts(leaky.outputs)).toMatch(/left \d+ tensors/);
  });

  it("trains a small LSTM with live loss plot and progress, scaled by trainingScale", async () => {
    const setup = await kernel.run(`
const steps = 10;
const n = 64;
const xsArr = [], ysArr = [];
for (let i = 0; i < n; i++) {
  const w = Array.from({ length: steps }, (_, k) => [Math.sin((i + k) / 4)]);
  xsArr.push(w);
  ysArr.push([Math.sin((i + steps) / 4)]);
}
const X = tf.tensor3d(xsArr), Y = tf.tensor2d(ysArr);
const model = tf.sequential();
model.add(tf.layers.lstm({ units: 8, inputShape: [steps, 1] }));
model.add(tf.layers.dense({ units: 1 }));
model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
model.summary();`);
    expect(setup.status).toBe("ok");
    expect(texts(setup.outputs)).toMatch(/lstm/i);
    const train = await kernel.run(
      "const history = await model.fit(X, Y, { epochs: 6, batchSize: 16, validationSplit: 0.25, callbacks: trainingCallbacks() });",
    );
    expect(train.status).toBe("ok");
    expect(train.leakedTensors).toBe(0);
    const plot = train.outputs.find((o) => o.type === "plot");
    const progress = train.outputs.find((o) => o.type === "progress");
    expect(plot?.type === "plot" && plot.traces).toHaveLength(2);
    const lossTrace =
      plot?.type === "plot" ? (plot.traces[0] as { name: string; y: number[] }) : null;
    expect(lossTrace?.name).toBe("loss");
    expect(lossTrace?.y).toHaveLength(3); // 6 epochs × 0.5
    expect(lossTrace?.y.every((v) => Number.isFinite(v))).toBe(true);
    expect(progress).toMatchObject({ type: "progress", value: 3, max: 3, label: "Epoch 3/3" });
    const check = await kernel.run("display(history.history.loss.length)");
    expect(check.outputs[0]).toEqual({ type: "text", stream: "stdout", text: "3" });
  });

  it("interrupts a busy loop from another thread and keeps every name", async () => {
    await kernel.run("const keptName = 41;");
    // The page's role: another thread sets the shared flag while this one spins.
    const setter = new Worker(
      "const { workerData } = require('node:worker_threads');" +
        "setTimeout(() => Atomics.store(new Int32Array(workerData), 0, 1), 150);",
      { eval: true, workerData: kernel.interruptBuffer },
    );
    const r = await kernel.run("let spins = 0;\nwhile (true) {\n  spins++;\n}");
    await setter.terminate();
    expect(r.status).toBe("interrupted");
    expect(texts(r.outputs)).toMatch(/KeyboardInterrupt: stopped at line 2\. .*variables are kept/);
    const after = await kernel.run("display(keptName + 1);\ndisplay(spins > 0);");
    expect(after.status).toBe("ok");
    expect(texts(after.outputs)).toBe("42\ntrue");
  });

  it("interrupts training between batches; the model is kept and can train again", async () => {
    await kernel.run(`
const tX = tf.randomNormal([256, 4]), tY = tf.randomNormal([256, 1]);
const tModel = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
tModel.compile({ optimizer: "sgd", loss: "meanSquaredError" });`);
    const timer = setTimeout(() => kernel.interrupt(), 300);
    const r = await kernel.run(
      "let batchesDone = 0;\nawait tModel.fit(tX, tY, { epochs: 100000, batchSize: 8, callbacks: { onBatchEnd: () => { batchesDone++; } } });",
    );
    clearTimeout(timer);
    expect(r.status).toBe("interrupted");
    const again = await kernel.run(
      "display(batchesDone > 0 && batchesDone < 32 * 50000);\nconst h2 = await tModel.fit(tX, tY, { epochs: 1 });\ndisplay(h2.history.loss.length);",
    );
    expect(again.status).toBe("ok");
    // The first fit after an interrupted one may also note a few tensors tfjs re-creates once
    // (measured: 1-12, none on the fit after it); the names and the model are what must survive.
    expect(texts(again.outputs)).toMatch(/^true\n1(\nThis run left \d+ tensors? .*)?$/s);
  });

  it("gives up a run that waits on a promise that never settles", async () => {
    const timer = setTimeout(() => kernel.interrupt(), 200);
    const r = await kernel.run("const beforeWait = 'still here';\nawait new Promise(() => {});");
    clearTimeout(timer);
    expect(r.status).toBe("interrupted");
    expect(texts(r.outputs)).toMatch(/stopped while it waited/);
    expect(texts((await kernel.run("display(beforeWait)")).outputs)).toBe("still here");
  });
});
