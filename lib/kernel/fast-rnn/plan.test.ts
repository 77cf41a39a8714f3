import { describe, expect, it } from "vitest";
import { ACT_CODE } from "./activations";
import { planRnnCall, type RnnCallFacts } from "./plan";

const base: RnnCallFacts = {
  layerKind: "lstm",
  cellClassName: "LSTMCell",
  units: 8,
  returnSequences: false,
  returnState: false,
  goBackwards: false,
  stateful: false,
  dropout: 0,
  recurrentDropout: 0,
  activation: "tanh",
  recurrentActivation: "hardSigmoid",
  useBias: true,
  hasMask: false,
  hasInitialState: false,
  inputShape: [2, 5, 3],
  inputDtype: "float32",
  backend: "wasm",
};

describe("planRnnCall", () => {
  it("accelerates the stock defaults with the configured activations", () => {
    const plan = planRnnCall(base);
    expect(plan).toEqual({
      accelerated: true,
      config: {
        kind: "lstm",
        units: 8,
        act: ACT_CODE.tanh,
        rec: ACT_CODE.hardSigmoid,
        returnSequences: false,
        goBackwards: false,
        useBias: true,
      },
    });
  });

  it.each<[string, Partial<RnnCallFacts>, string]>([
    ["returnState", { returnState: true }, "returnState"],
    ["stateful", { stateful: true }, "stateful"],
    ["dropout", { dropout: 0.2 }, "dropout"],
    ["recurrent dropout", { recurrentDropout: 0.1 }, "recurrentDropout"],
    ["a mask", { hasMask: true }, "masking"],
    ["an initial state", { hasInitialState: true }, "initialState"],
    ["a custom cell", { layerKind: null, cellClassName: "MyCell" }, "cell MyCell"],
    ["webgl", { backend: "webgl" }, "backend webgl"],
    ["an unsupported activation", { activation: "elu" }, "activation elu"],
    [
      "an unsupported recurrent activation",
      { recurrentActivation: "softsign" },
      "recurrentActivation softsign",
    ],
    ["int inputs", { inputDtype: "int32" }, "input dtype int32"],
    ["an empty batch", { inputShape: [0, 5, 3] }, "empty input"],
  ])("falls back for %s with a readable reason", (_name, change, reason) => {
    const plan = planRnnCall({ ...base, ...change });
    expect(plan.accelerated).toBe(false);
    if (!plan.accelerated) expect(plan.reason).toContain(reason);
  });

  it("ignores recurrentActivation for SimpleRNN", () => {
    const plan = planRnnCall({
      ...base,
      layerKind: "simpleRNN",
      recurrentActivation: undefined,
      activation: "relu",
    });
    expect(plan.accelerated).toBe(true);
  });
});
