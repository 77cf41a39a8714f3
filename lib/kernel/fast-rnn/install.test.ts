import * as tf from "@tensorflow/tfjs";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getFastRnnReport, installFastRecurrentLayers, type FastRnnHandle } from "./install";

let handle: FastRnnHandle | null = null;

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

afterEach(() => {
  handle?.uninstall();
  handle = null;
});

function lastReport(className: string) {
  return getFastRnnReport()
    .filter((r) => r.className === className)
    .at(-1);
}

describe("installFastRecurrentLayers", () => {
  it("routes a stock LSTM through the fast path and reports it", () => {
    handle = installFastRecurrentLayers(tf);
    const layer = tf.layers.lstm({ units: 3 });
    expect(handle.describe(layer)).toEqual({ accelerated: true });
    const y = layer.apply(tf.ones([2, 4, 5])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    expect(lastReport("LSTM")).toMatchObject({ layer: layer.name, accelerated: true });
  });

  it("keeps the weights layout of the stock layer", () => {
    handle = installFastRecurrentLayers(tf);
    const layer = tf.layers.gru({ units: 3 });
    layer.apply(tf.ones([1, 2, 5]));
    expect(layer.getWeights().map((w) => w.shape)).toEqual([[5, 9], [3, 9], [9]]);
  });

  it.each<[string, () => tf.layers.Layer, string]>([
    ["dropout", () => tf.layers.lstm({ units: 2, dropout: 0.3 }), "dropout"],
    [
      "recurrentDropout",
      () => tf.layers.gru({ units: 2, recurrentDropout: 0.3 }),
      "recurrentDropout",
    ],
    [
      "stateful",
      () => tf.layers.simpleRNN({ units: 2, stateful: true, batchInputShape: [1, 3, 4] }),
      "stateful",
    ],
    [
      "an unsupported activation",
      () => tf.layers.simpleRNN({ units: 2, activation: "elu" }),
      "activation elu",
    ],
  ])("falls back visibly for %s and still computes", (_name, make, reason) => {
    handle = installFastRecurrentLayers(tf);
    const layer = make();
    expect(handle.describe(layer)).toMatchObject({ accelerated: false });
    expect(handle.describe(layer).reason).toContain(reason);
    const y = layer.apply(tf.ones([1, 3, 4])) as tf.Tensor;
    expect(y.shape).toEqual([1, 2]);
    expect(lastReport(layer.getClassName())).toMatchObject({
      layer: layer.name,
      accelerated: false,
    });
  });

  it("falls back for returnState and returns the states", () => {
    handle = installFastRecurrentLayers(tf);
    const layer = tf.layers.lstm({ units: 2, returnState: true });
    const out = layer.apply(tf.ones([1, 3, 4])) as tf.Tensor[];
    expect(out).toHaveLength(3);
    expect(lastReport("LSTM")).toMatchObject({ accelerated: false, reason: "returnState" });
  });

  it("falls back when a mask reaches the layer", () => {
    handle = installFastRecurrentLayers(tf);
    const model = tf.sequential();
    model.add(tf.layers.embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputLength: 4 }));
    const rnn = tf.layers.simpleRNN({ units: 2 });
    model.add(rnn);
    model.predict(tf.tensor2d([[1, 2, 0, 0]]));
    expect(getFastRnnReport().find((r) => r.layer === rnn.name)).toMatchObject({
      accelerated: false,
      reason: "masking",
    });
  });

  it("accelerates tf.layers.rnn with a stock cell but not with stacked cells", () => {
    handle = installFastRecurrentLayers(tf);
    const single = tf.layers.rnn({ cell: tf.layers.gruCell({ units: 2 }) });
    const stacked = tf.layers.rnn({
      cell: [tf.layers.gruCell({ units: 2 }), tf.layers.gruCell({ units: 2 })],
    });
    expect(handle.describe(single)).toEqual({ accelerated: true });
    expect(handle.describe(stacked).accelerated).toBe(false);
  });

  it("uninstall restores the stock call", () => {
    const probe = tf.layers.simpleRNN({ units: 1 });
    const proto = Object.getPrototypeOf(Object.getPrototypeOf(probe)) as { call: unknown };
    const stock = proto.call;
    handle = installFastRecurrentLayers(tf);
    expect(proto.call).not.toBe(stock);
    handle.uninstall();
    expect(proto.call).toBe(stock);
  });

  it("saves and loads like the stock layer, and the loaded layer is fast too", async () => {
    handle = installFastRecurrentLayers(tf);
    const model = tf.sequential();
    model.add(
      tf.layers.lstm({ units: 3, inputShape: [4, 2], returnSequences: true, goBackwards: true }),
    );
    model.add(tf.layers.gru({ units: 2 }));
    const x = tf.randomNormal([2, 4, 2], 0, 1, "float32", 7);
    const before = model.predict(x) as tf.Tensor;
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    if (!saved) throw new Error("nothing saved");
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved));
    const after = loaded.predict(x) as tf.Tensor;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    expect(handle.describe(loaded.layers[0])).toEqual({ accelerated: true });
  });

  it("does not leak tensors while training", async () => {
    handle = installFastRecurrentLayers(tf);
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 4, inputShape: [5, 2] }));
    model.add(tf.layers.dense({ units: 1 }));
    model.compile({ optimizer: "adam", loss: "meanSquaredError" });
    const x = tf.randomNormal([8, 5, 2]);
    const y = tf.randomNormal([8, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const before = tf.memory().numTensors;
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
