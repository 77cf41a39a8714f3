import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  caseName,
  equivalenceCases,
  equivalenceProblem,
  runEquivalence,
} from "./equivalence-harness";
import { fusedOptions, wasmSimdAvailable } from "./fused-kernels";
import { installFastRecurrentLayers } from "./install";

beforeAll(async () => {
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  setWasmPaths(`${path.resolve("node_modules/@tensorflow/tfjs-backend-wasm/dist")}/`);
  await tf.setBackend("wasm");
  await tf.ready();
});

describe("fast recurrent layers agree with stock tfjs (wasm backend, 20 Adam steps)", () => {
  it("runs on wasm with the SIMD rows", () => {
    expect(tf.getBackend()).toBe("wasm");
    expect(equivalenceProblem(runEquivalence(tf, { kind: "lstm" }, 1))).toBeNull();
    expect(wasmSimdAvailable()).toBe(true);
  });
  // default (tanh/hardSigmoid) layers take the SIMD rows on wasm; check the JS loops there too
  it.each(["lstm", "gru", "simpleRNN"] as const)(
    "%s defaults with the SIMD rows switched off",
    (kind) => {
      fusedOptions.simd = false;
      try {
        expect(
          equivalenceProblem(
            runEquivalence(tf, { kind, returnSequences: true, goBackwards: true }),
          ),
        ).toBeNull();
      } finally {
        fusedOptions.simd = true;
      }
    },
  );
  it("leaves no tensors or wasm buffers behind while training", async () => {
    const handle = installFastRecurrentLayers(tf);
    try {
      for (const kind of ["lstm", "gru", "simpleRNN"] as const) {
        const model = tf.sequential();
        const cfg = { units: 8, inputShape: [6, 2] };
        model.add(
          kind === "lstm"
            ? tf.layers.lstm(cfg)
            : kind === "gru"
              ? tf.layers.gru(cfg)
              : tf.layers.simpleRNN(cfg),
        );
        model.add(tf.layers.dense({ units: 1 }));
        model.compile({ optimizer: "adam", loss: "meanSquaredError" });
        const x = tf.randomNormal([16, 6, 2]);
        const y = tf.randomNormal([16, 1]);
        await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
        const tensors = tf.memory().numTensors;
        const buffers = tf.engine().backend.numDataIds();
        await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
        expect(tf.memory().numTensors).toBe(tensors);
        expect(tf.engine().backend.numDataIds()).toBe(buffers);
        tf.dispose([x, y]);
        model.dispose();
      }
    } finally {
      handle.uninstall();
    }
  });
  for (const c of equivalenceCases()) {
    it(caseName(c), () => expect(equivalenceProblem(runEquivalence(tf, c))).toBeNull());
  }
});
