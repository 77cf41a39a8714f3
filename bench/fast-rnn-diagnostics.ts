// Small probes that explain differences between runtimes (Node vs a browser worker) for the
// fast-rnn benchmark: how long tf.nextFrame() takes (model.fit yields through it every 125 ms when
// callbacks are set), and how fast the fused element-wise JS loops (not the SIMD rows) run alone.
import type * as tfTypes from "@tensorflow/tfjs";
import { wasmSimdAvailable } from "@/lib/kernel/fast-rnn/fused-kernels";
import { lstmBackward, lstmForward } from "@/lib/kernel/fast-rnn/sequence-core";

type TF = typeof tfTypes;

export interface Diagnostics {
  /** Mean wall time of one `await tf.nextFrame()`. */
  nextFrameMs: number;
  /** Best time of the LSTM element-wise loops (forward + backward, no matrix products) for one batch of the reference task. */
  lstmElementwiseMs: number;
  /** Whether the fused kernels ran with the wasm SIMD rows (null: they did not run on wasm). */
  wasmSimd: boolean | null;
}

export async function runDiagnostics(tf: TF): Promise<Diagnostics> {
  const frames = 20;
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) await tf.nextFrame();
  const nextFrameMs = (performance.now() - t0) / frames;

  const T = 20;
  const B = 32;
  const U = 32;
  const heap = new Float32Array(1 << 20);
  for (let i = 0; i < heap.length; i++) heap[i] = 0.1 + ((i * 2654435761) % 1000) / 1250;
  const ws = { heap: () => heap, mm: () => undefined };
  const d = { T, B, U, act: 0, rec: 2 };
  let p = 0;
  const alloc = (n: number) => {
    const o = p;
    p += n;
    return o;
  };
  const f = {
    xp: alloc(T * B * 4 * U),
    bias: alloc(4 * U),
    R: 0,
    H: alloc((T + 1) * B * U),
    C: alloc((T + 1) * B * U),
    gates: alloc(T * B * 4 * U),
    TC: alloc(T * B * U),
    zS: alloc(B * 4 * U),
  };
  const b = {
    dY: alloc(B * U),
    returnSequences: false,
    RT: 0,
    C: f.C,
    gates: f.gates,
    TC: f.TC,
    dZ: alloc(T * B * 4 * U),
    db: alloc(4 * U),
    dhS: alloc(B * U),
    dcS: alloc(B * U),
  };
  let best = Infinity;
  for (let rep = 0; rep < 300; rep++) {
    const t = performance.now();
    lstmForward(ws, d, f);
    lstmBackward(ws, d, b);
    best = Math.min(best, performance.now() - t);
  }
  return { nextFrameMs, lstmElementwiseMs: best, wasmSimd: wasmSimdAvailable() };
}
