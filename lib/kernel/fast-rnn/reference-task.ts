// The recurrent-training reference task shared by the fast-rnn benchmark and its tests: a noisy
// sum of sines cut into windows (1024 windows × 20 steps × 1 feature, next value as the target).
// bench/torch_rnn_fast.py builds the same series for the PyTorch comparison.

export interface ReferenceData {
  /** windows × steps values, row-major. */
  x: Float32Array;
  /** windows next values. */
  y: Float32Array;
  windows: number;
  steps: number;
}

/** mulberry32: a tiny seeded PRNG so every run trains on the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sumOfSines(length: number, seed = 42): Float32Array {
  const rand = rng(seed);
  const out = new Float32Array(length);
  for (let t = 0; t < length; t++) {
    // Box–Muller for Gaussian noise
    const noise = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    out[t] = Math.sin(0.1 * t) + 0.5 * Math.sin(0.37 * t + 1) + 0.25 * Math.sin(0.05 * t) + 0.05 * noise;
  }
  return out;
}

export function referenceWindows(windows = 1024, steps = 20, seed = 42): ReferenceData {
  const series = sumOfSines(windows + steps, seed);
  const x = new Float32Array(windows * steps);
  const y = new Float32Array(windows);
  for (let w = 0; w < windows; w++) {
    x.set(series.subarray(w, w + steps), w * steps);
    y[w] = series[w + steps]!;
  }
  return { x, y, windows, steps };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
