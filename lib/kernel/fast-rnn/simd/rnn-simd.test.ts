import { describe, expect, it } from "vitest";
import { instantiateRnnSimd } from "./rnn-simd";

// One LSTM forward row (units = 4) straight through the SIMD kernel on a fresh memory, against
// the float64 formulas, including inputs far outside the activations' working range.
const INPUTS = [-100, -87.5, -20, -3, -1e-5, 0, 1e-5, 0.7, 3, 20, 89, 100];

function row(
  recKind: number,
  z: number[],
): { gates: number[]; c: number[]; tc: number[]; h: number[] } {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const simd = instantiateRnnSimd(memory);
  if (!simd) throw new Error("no wasm SIMD in this runtime");
  const f = new Float32Array(memory.buffer);
  // layout (floats): xr 0..15, zr 16..31 (zeros), bias 32..47 (zeros), cp 48..51, gates 64..79,
  // c 80..83, tc 84..87, h 88..91
  f.set(z, 0);
  f.set([0.5, -0.25, 2, -3], 48);
  simd.lstmFwdRow(0, 64, 128, 192, 256, 320, 336, 352, 16, 1, recKind);
  return {
    gates: Array.from(f.subarray(64, 80)),
    c: Array.from(f.subarray(80, 84)),
    tc: Array.from(f.subarray(84, 88)),
    h: Array.from(f.subarray(88, 92)),
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const hardSigmoid = (x: number) => Math.min(1, Math.max(0, 0.2 * x + 0.5));

describe("SIMD LSTM row", () => {
  for (const [name, kind, rec] of [
    ["sigmoid", 1, sigmoid],
    ["hardSigmoid", 2, hardSigmoid],
  ] as const) {
    it(`computes tanh and ${name} gates within float32 precision over extreme inputs`, () => {
      for (let start = 0; start + 16 <= INPUTS.length * 2; start += 4) {
        const z = Array.from({ length: 16 }, (_, i) => INPUTS[(start + i) % INPUTS.length]!);
        const out = row(kind, z);
        z.forEach((x, k) => {
          const want = k >= 8 && k < 12 ? Math.tanh(x) : rec(x);
          expect(Math.abs(out.gates[k]! - want)).toBeLessThan(
            1e-6 * Math.max(1, Math.abs(want)) + 1e-30,
          );
        });
        out.c.forEach((c, j) => {
          expect(Math.abs(out.tc[j]! - Math.tanh(c))).toBeLessThan(1e-6);
          expect(Number.isFinite(out.h[j]!)).toBe(true);
        });
      }
    });
  }
});
