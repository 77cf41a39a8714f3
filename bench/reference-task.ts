/**
 * The reference training task as notebook cells, so the benchmark goes through the real
 * kernel (scope transform, executor, worker, output API) exactly like a learner's lesson.
 * Series: sum of sines plus noise; 1024 windows of 20 steps, 1 feature; RNN(32) → Dense(1);
 * batch 32, Adam, MSE; one warm-up epoch, then the median of `epochs` timed epochs.
 */
export const TASK = { windows: 1024, steps: 20, units: 32, batch: 32 } as const;

export type BenchModel = "lstm" | "gru" | "simpleRNN";

export const BENCH_MODELS: BenchModel[] = ["lstm", "gru", "simpleRNN"];

export function dataCell(): string {
  const { windows, steps } = TASK;
  return `
const windows = ${windows}, steps = ${steps};
const total = windows + steps;
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const series = Array.from({ length: total }, (_, i) =>
  Math.sin(i / 8) + 0.5 * Math.sin(i / 3.1) + 0.1 * (rand() - 0.5));
const xsData = new Float32Array(windows * steps);
const ysData = new Float32Array(windows);
for (let w = 0; w < windows; w++) {
  for (let s = 0; s < steps; s++) xsData[w * steps + s] = series[w + s];
  ysData[w] = series[w + steps];
}
const benchX = tf.tensor3d(xsData, [windows, steps, 1]);
const benchY = tf.tensor2d(ysData, [windows, 1]);`;
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
