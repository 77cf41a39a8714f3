/**
 * THE recurrent-training reference task, the one every training benchmark times (bench:train
 * through the real notebook kernel, bench:fast-rnn on tfjs directly, in Node and in a worker):
 * a noisy sum of sines, 1024 windows of 20 steps, 1 feature; RNN(32) → Dense(1); batch 32,
 * Adam, MSE; one warm-up epoch, then the median of `epochs` timed epochs. bench/torch_rnn.py
 * builds the same series for the PyTorch comparison.
 */
export const TASK = { windows: 1024, steps: 20, units: 32, batch: 32 } as const;

export type BenchModel = "lstm" | "gru" | "simpleRNN";

export const BENCH_MODELS: BenchModel[] = ["lstm", "gru", "simpleRNN"];

// The series generator is kept as source text because the notebook benchmark must run it inside
// a cell (the kernel only sees code); Node and worker benchmarks evaluate the very same text.
const WINDOWS_SOURCE = `(windows, steps) => {
  const total = windows + steps;
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const series = Array.from({ length: total }, (_, i) =>
    Math.sin(i / 8) + 0.5 * Math.sin(i / 3.1) + 0.1 * (rand() - 0.5));
  const x = new Float32Array(windows * steps);
  const y = new Float32Array(windows);
  for (let w = 0; w < windows; w++) {
    for (let s = 0; s < steps; s++) x[w * steps + s] = series[w + s];
    y[w] = series[w + steps];
  }
  return { x, y };
}`;

export interface ReferenceData {
  /** windows × steps values, row-major. */
  x: Float32Array;
  /** windows next values. */
  y: Float32Array;
  windows: number;
  steps: number;
}

// new Function, not eval: see WINDOWS_SOURCE for why the generator is text.
const buildWindows = new Function(`return ${WINDOWS_SOURCE};`)() as (
  windows: number,
  steps: number,
) => { x: Float32Array; y: Float32Array };

export function referenceWindows(): ReferenceData {
  const { windows, steps } = TASK;
  return { ...buildWindows(windows, steps), windows, steps };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function dataCell(): string {
  const { windows, steps } = TASK;
  return `
const { x: xsData, y: ysData } = (${WINDOWS_SOURCE})(${windows}, ${steps});
const benchX = tf.tensor3d(xsData, [${windows}, ${steps}, 1]);
const benchY = tf.tensor2d(ysData, [${windows}, 1]);`;
}

export function trainCell(model: BenchModel, epochs: number): string {
  const { steps, units, batch } = TASK;
  return `
const benchModel = tf.sequential();
benchModel.add(tf.layers.${model}({ units: ${units}, inputShape: [${steps}, 1] }));
benchModel.add(tf.layers.dense({ units: 1 }));
benchModel.compile({ optimizer: tf.train.adam(0.001), loss: "meanSquaredError" });
const epochSeconds = [];
let epochStart = 0;
const timing = {
  onEpochBegin: async () => { epochStart = performance.now(); },
  onEpochEnd: async () => { epochSeconds.push((performance.now() - epochStart) / 1000); },
};
const benchHistory = await benchModel.fit(benchX, benchY, {
  epochs: ${epochs + 1}, batchSize: ${batch}, shuffle: true, callbacks: [timing],
});
const timed = epochSeconds.slice(1).sort((a, b) => a - b);
const median = timed[Math.floor(timed.length / 2)];
console.log("BENCH " + JSON.stringify({
  secPerEpoch: median,
  epochSeconds,
  finalLoss: benchHistory.history.loss.at(-1),
  backend: tf.getBackend(),
}));
benchModel.dispose();`;
}
