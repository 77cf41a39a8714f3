// Activations the fused recurrent kernels compute element by element. Each one is written so the
// backward pass needs only the activation's OUTPUT (that is what the forward pass saves), and each
// mirrors the formula tfjs-layers uses, so forward values and gradients match the stock layers.

export type ActivationKind = "tanh" | "sigmoid" | "hardSigmoid" | "relu" | "linear";

/** tfjs-layers activation class names (Activation.getClassName()) we compute natively. */
const SUPPORTED: Record<string, ActivationKind> = {
  tanh: "tanh",
  sigmoid: "sigmoid",
  hardSigmoid: "hardSigmoid",
  relu: "relu",
  linear: "linear",
};

export function activationKindOf(className: string | undefined): ActivationKind | null {
  if (className === undefined) return null;
  return SUPPORTED[className] ?? null;
}

// tfjs computes hardSigmoid as clip(0.5 + 0.2·x, 0, 1) in float32: 0.2 is a float32 scalar.
const HARD_SIGMOID_SLOPE = Math.fround(0.2);

/** Numeric codes so the hot loops switch on a small integer instead of a string. */
export const ACT_CODE: Record<ActivationKind, number> = {
  tanh: 0,
  sigmoid: 1,
  hardSigmoid: 2,
  relu: 3,
  linear: 4,
};

// Clamp of the rational tanh below: beyond it the float32 result is ±1 anyway.
const TANH_CLAMP = 7.90531110763549805;

/**
 * tanh as Eigen's float32 rational approximation (a degree-13/6 ratio of odd/even polynomials):
 * within a few float32 ulps of the true value (max relative error 2.3e-7 measured over ±10) and
 * 3× faster than Math.tanh or an exp-based formula in V8, which matters because LSTM computes two
 * tanh per unit per step.
 */
function tanhRational(v: number): number {
  if (v > -0.0004 && v < 0.0004) return v;
  const x = v > TANH_CLAMP ? TANH_CLAMP : v < -TANH_CLAMP ? -TANH_CLAMP : v;
  const x2 = x * x;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (p * x) / q;
}

/**
 * dst[d + i] = activation(src[s + i]) for i < n. The hot loops call these per row so the switch on
 * the activation happens once per row, not once per element (V8 would not inline `activate`).
 */
export function activateRange(
  code: number,
  src: Float32Array,
  s: number,
  dst: Float32Array,
  d: number,
  n: number,
): void {
  switch (code) {
    case 0:
      for (let i = 0; i < n; i++) dst[d + i] = tanhRational(src[s + i]!);
      return;
    case 1:
      for (let i = 0; i < n; i++) dst[d + i] = 1 / (1 + Math.exp(-src[s + i]!));
      return;
    case 2:
      for (let i = 0; i < n; i++) {
        const y = Math.fround(Math.fround(HARD_SIGMOID_SLOPE * src[s + i]!) + 0.5);
        dst[d + i] = y < 0 ? 0 : y > 1 ? 1 : y;
      }
      return;
    case 3:
      for (let i = 0; i < n; i++) {
        const x = src[s + i]!;
        dst[d + i] = x > 0 ? x : 0;
      }
      return;
    default:
      if (src !== dst) dst.set(src.subarray(s, s + n), d);
      else if (s !== d) dst.copyWithin(d, s, s + n);
  }
}

/** dst[d + i] = activation'(x) written through the output y = src[s + i]. */
export function derivativeRange(
  code: number,
  src: Float32Array,
  s: number,
  dst: Float32Array,
  d: number,
  n: number,
): void {
  switch (code) {
    case 0:
      for (let i = 0; i < n; i++) {
        const y = src[s + i]!;
        dst[d + i] = 1 - y * y;
      }
      return;
    case 1:
      for (let i = 0; i < n; i++) {
        const y = src[s + i]!;
        dst[d + i] = y * (1 - y);
      }
      return;
    case 2:
      for (let i = 0; i < n; i++) {
        const y = src[s + i]!;
        dst[d + i] = y > 0 && y < 1 ? HARD_SIGMOID_SLOPE : 0;
      }
      return;
    case 3:
      for (let i = 0; i < n; i++) dst[d + i] = src[s + i]! > 0 ? 1 : 0;
      return;
    default:
      dst.fill(1, d, d + n);
  }
}
