// Trains the same small model twice from the same initial weights on the same batches — once with
// the stock tfjs recurrent layer, once through the fast path — and reports the worst relative
// differences of outputs, losses, gradients and weights over the optimizer steps.
import type * as tfTypes from "@tensorflow/tfjs";
import { installFastRecurrentLayers } from "./install";

type TF = typeof tfTypes;

export interface EquivalenceCase {
  kind: "lstm" | "gru" | "simpleRNN";
  returnSequences?: boolean;
  goBackwards?: boolean;
  useBias?: boolean;
  activation?: string;
  recurrentActivation?: string;
  /** "stacked": a returnSequences layer of the same kind feeds this one (exercises dx);
   *  "bidirectional": wrapped in tf.layers.bidirectional. */
  wrap?: "stacked" | "bidirectional";
  /**
   * Regularizers on kernel, recurrent kernel and bias, with model.calculateLosses() added to the
   * loss as model.fit does. (In tfjs 4.22 that list is empty for recurrent layers — the cell owns
   * the weights and RNN does not forward its losses — so stock and fast agree by ignoring them.)
   */
  regularized?: boolean;
}

/** The bar: 1e-5 relative on outputs, losses, gradients (and the final weights). */
const EQUIVALENCE_TOLERANCE = 1e-5;

export interface EquivalenceResult {
  output: number;
  loss: number;
  gradient: number;
  weights: number;
  accelerated: boolean;
}

const B = 4;
const T = 5;
const F = 3;
const U = 4;

function layerFor(tf: TF, c: EquivalenceCase, withInputShape = true) {
  const cfg: Record<string, unknown> = {
    units: U,
    ...(withInputShape ? { inputShape: [T, F] } : {}),
    returnSequences: c.returnSequences ?? false,
    goBackwards: c.goBackwards ?? false,
    useBias: c.useBias ?? true,
    // a non-zero bias so bias handling is really exercised
    biasInitializer: "glorotUniform",
  };
  if (c.regularized) {
    cfg["kernelRegularizer"] = tf.regularizers.l2({ l2: 0.05 });
    cfg["recurrentRegularizer"] = tf.regularizers.l2({ l2: 0.05 });
    cfg["biasRegularizer"] = tf.regularizers.l1({ l1: 0.01 });
  }
  if (c.activation) cfg["activation"] = c.activation;
  if (c.recurrentActivation && c.kind !== "simpleRNN")
    cfg["recurrentActivation"] = c.recurrentActivation;
  if (c.kind === "lstm")
    return tf.layers.lstm(cfg as unknown as Parameters<TF["layers"]["lstm"]>[0]);
  if (c.kind === "gru") return tf.layers.gru(cfg as unknown as Parameters<TF["layers"]["gru"]>[0]);
  return tf.layers.simpleRNN(cfg as unknown as Parameters<TF["layers"]["simpleRNN"]>[0]);
}

function maxAbs(tf: TF, t: tfTypes.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(t)).dataSync()[0] ?? Number.NaN);
}

/** max |a − b| / max |b| (b is the stock reference). */
function relDiff(tf: TF, a: tfTypes.Tensor, b: tfTypes.Tensor): number {
  return tf.tidy(() => maxAbs(tf, tf.sub(a, b)) / Math.max(maxAbs(tf, b), 1e-12));
}

/**
 * Relative difference of the gradient as one vector over all trainable weights (∞-norm). Judging
 * each weight's gradient on its own is ill-posed for near-cancelling sums: the Dense bias
 * gradient mean(2·(ŷ − y)) can be 1000× smaller than its terms, so a 1e-7 change in ŷ shows as
 * 1e-4 "relative" there although the training step is identical.
 */
function gradientDiff(tf: TF, a: tfTypes.Tensor[], b: tfTypes.Tensor[]): number {
  let diff = 0;
  let scale = 0;
  b.forEach((ref, i) => {
    diff = Math.max(diff, maxAbs(tf, tf.sub(a[i]!, ref)));
    scale = Math.max(scale, maxAbs(tf, ref));
  });
  return diff / Math.max(scale, 1e-12);
}

export function runEquivalence(
  tf: TF,
  c: EquivalenceCase,
  steps = 20,
  seed = 1,
): EquivalenceResult {
  const build = () => {
    const m = tf.sequential();
    if (c.wrap === "stacked") {
      m.add(layerFor(tf, { kind: c.kind, returnSequences: true }));
      m.add(layerFor(tf, c, false));
    } else if (c.wrap === "bidirectional") {
      const inner = layerFor(tf, c, false) as unknown as tfTypes.RNN;
      m.add(tf.layers.bidirectional({ layer: inner, inputShape: [T, F], mergeMode: "concat" }));
    } else {
      m.add(layerFor(tf, c));
    }
    m.add(tf.layers.dense({ units: 1 }));
    return m;
  };
  const stock = build();
  const fast = build();
  // seeded weights so every run (and every failure) is reproducible
  const init = stock
    .getWeights()
    .map((w, i) => tf.randomUniform(w.shape, -0.6, 0.6, "float32", seed * 100 + i));
  stock.setWeights(init);
  fast.setWeights(init);
  tf.dispose(init);
  const optStock = tf.train.adam(0.001);
  const optFast = tf.train.adam(0.001);
  const worst = { output: 0, loss: 0, gradient: 0, weights: 0, accelerated: false };
  const yShape = c.returnSequences ? [B, T, 1] : [B, 1];
  const varsOf = (m: tfTypes.Sequential) =>
    m.trainableWeights.map((w) => (w as unknown as { val: tfTypes.Variable }).val);
  const stepOnce = (
    m: tfTypes.Sequential,
    opt: tfTypes.Optimizer,
    x: tfTypes.Tensor,
    y: tfTypes.Tensor,
  ) => {
    const out = m.predict(x) as tfTypes.Tensor;
    const { value, grads } = tf.variableGrads(() => {
      const mse = tf.losses.meanSquaredError(
        y,
        m.apply(x, { training: true }) as tfTypes.Tensor,
      ) as tfTypes.Scalar;
      // regularization terms, as model.fit adds them
      return m.calculateLosses().reduce((sum: tfTypes.Scalar, l) => tf.add(sum, l), mse);
    }, varsOf(m));
    const names = varsOf(m).map((v) => v.name);
    const list = names.map((n) => grads[n]!);
    opt.applyGradients(grads);
    return { out, value, list };
  };
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      const x = tf.randomNormal([B, T, F], 0, 1, "float32", seed * 1000 + s);
      const y = tf.randomNormal(yShape, 0, 1, "float32", seed * 1000 + s + 500);
      const a = stepOnce(stock, optStock, x, y);
      const handle = installFastRecurrentLayers(tf);
      let b: ReturnType<typeof stepOnce>;
      try {
        const rnn = fast.layers[c.wrap === "stacked" ? 1 : 0]!;
        const inner = (rnn as unknown as { forwardLayer?: unknown }).forwardLayer ?? rnn;
        worst.accelerated = handle.describe(inner).accelerated;
        b = stepOnce(fast, optFast, x, y);
      } finally {
        handle.uninstall();
      }
      worst.output = Math.max(worst.output, relDiff(tf, b.out, a.out));
      worst.loss = Math.max(worst.loss, relDiff(tf, b.value, a.value));
      worst.gradient = Math.max(worst.gradient, gradientDiff(tf, b.list, a.list));
    });
  }
  stock.getWeights().forEach((w, i) => {
    worst.weights = Math.max(worst.weights, relDiff(tf, fast.getWeights()[i]!, w));
  });
  optStock.dispose();
  optFast.dispose();
  stock.dispose();
  fast.dispose();
  return worst;
}

/** The configurations the tests cover for every accelerated layer. */
export function equivalenceCases(): EquivalenceCase[] {
  const cases: EquivalenceCase[] = [];
  for (const kind of ["lstm", "gru", "simpleRNN"] as const) {
    for (const returnSequences of [false, true]) {
      for (const goBackwards of [false, true]) {
        for (const useBias of [true, false]) {
          for (const act of kind === "simpleRNN"
            ? ["tanh", "sigmoid"]
            : ["hardSigmoid", "sigmoid"]) {
            cases.push(
              kind === "simpleRNN"
                ? { kind, returnSequences, goBackwards, useBias, activation: act }
                : { kind, returnSequences, goBackwards, useBias, recurrentActivation: act },
            );
          }
        }
      }
    }
    // other element-wise activations the kernels compute
    cases.push({ kind, activation: "relu", recurrentActivation: "sigmoid" });
    cases.push({
      kind,
      activation: "linear",
      recurrentActivation: "hardSigmoid",
      returnSequences: true,
    });
    cases.push({ kind, activation: "hardSigmoid", recurrentActivation: "tanh", goBackwards: true });
    // gradients flowing into an earlier recurrent layer, and the bidirectional wrapper
    cases.push({ kind, wrap: "stacked", goBackwards: true });
    cases.push({ kind, wrap: "bidirectional", returnSequences: true });
    cases.push({ kind, wrap: "bidirectional" });
    cases.push({ kind, regularized: true, returnSequences: true });
  }
  return cases;
}

export function caseName(c: EquivalenceCase): string {
  return [
    c.kind,
    c.returnSequences ? "seq" : "last",
    c.goBackwards ? "backwards" : "forwards",
    c.useBias === false ? "no-bias" : "bias",
    `act=${c.activation ?? "default"}`,
    `rec=${c.recurrentActivation ?? "default"}`,
    ...(c.wrap ? [c.wrap] : []),
    ...(c.regularized ? ["regularized"] : []),
  ].join(" ");
}

/** Every difference under the tolerance; returns a message naming the worst one otherwise. */
export function equivalenceProblem(r: EquivalenceResult): string | null {
  if (!r.accelerated) return "the fast path did not run";
  for (const key of ["output", "loss", "gradient", "weights"] as const) {
    if (!(r[key] < EQUIVALENCE_TOLERANCE))
      return `${key} differs by ${r[key].toExponential(2)} relative`;
  }
  return null;
}
