// One recurrent layer over a whole sequence as a single tfjs custom-gradient op. The input
// projection for all steps is one matMul, the step loop is one fused kernel, and the backward pass
// gets dK, dR, db and dx from one matMul each over all steps — all untransposed, because the wasm
// matMul only takes XNNPACK's fast path then; weights are transposed once per optimizer step.
import type * as tfTypes from "@tensorflow/tfjs";
import { KERNEL_NAMES, type FusedAttrs } from "./fused-kernels";
import type { FastSequenceConfig } from "./plan";

type TF = typeof tfTypes;
type Tensor = tfTypes.Tensor;

const GATES = { lstm: 4, gru: 3, simpleRNN: 1 } as const;

function run(tf: TF, name: string, inputs: Record<string, Tensor>, attrs: FusedAttrs): Tensor[] {
  const out = tf.engine().runKernel(name, inputs, attrs as unknown as tfTypes.NamedAttrMap);
  return Array.isArray(out) ? out : [out];
}

function first(ts: Tensor[], n: number): Tensor[] {
  if (ts.length < n) throw new Error(`fast-rnn: expected ${n} tensors, got ${ts.length}`);
  return ts;
}

/**
 * Runs the layer. x: [batch, time, features]; kernel: [features, G·units]; recurrentKernel:
 * [units, G·units]; bias: [G·units] or null. Returns [batch, time, units] or [batch, units].
 */
export function fastSequence(
  tf: TF,
  cfg: FastSequenceConfig,
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | null,
): Tensor {
  const U = cfg.units;
  const G = GATES[cfg.kind];
  const op = tf.customGrad((...args: (Tensor | tfTypes.GradSaveFunc)[]) => {
    // customGrad appends its save function after the tensor inputs
    const save = args[args.length - 1] as tfTypes.GradSaveFunc;
    const [xIn, K, R, bIn] = args.slice(0, -1) as Tensor[];
    if (!xIn || !K || !R) throw new Error("fast-rnn: missing inputs");
    const [B = 0, T = 0, F = 0] = xIn.shape;
    const attrs: FusedAttrs = {
      T,
      B,
      U,
      act: cfg.act,
      rec: cfg.rec,
      returnSequences: cfg.returnSequences,
    };
    const b = bIn ?? tf.zeros([G * U]);
    let xt = tf.transpose(xIn, [1, 0, 2]);
    if (cfg.goBackwards) xt = tf.reverse(xt, 0);
    const x2 = tf.reshape(xt, [T * B, F]);
    const xp = tf.matMul(x2, K);
    let saved: Tensor[];
    if (cfg.kind === "lstm") {
      saved = first(run(tf, KERNEL_NAMES.lstmForward, { xp, bias: b, R }, attrs), 4);
    } else if (cfg.kind === "gru") {
      const R1 = tf.slice(R, [0, 0], [U, 2 * U]);
      const R2 = tf.slice(R, [0, 2 * U], [U, U]);
      saved = first(run(tf, KERNEL_NAMES.gruForward, { xp, bias: b, R1, R2 }, attrs), 3);
    } else {
      saved = first(run(tf, KERNEL_NAMES.simpleForward, { xp, bias: b, R }, attrs), 1);
    }
    const H = saved[0]!;
    const value = cfg.returnSequences
      ? tf.transpose(tf.reshape(tf.slice(H, [B, 0], [T * B, U]), [T, B, U]), [1, 0, 2])
      : tf.slice(H, [T * B, 0], [B, U]);
    save([x2, K, R, ...saved]);
    const gradFunc = (dy: Tensor, kept: Tensor[]): Tensor[] => {
      const [x2s, Ks, Rs, Hs, s1, s2, s3] = kept;
      if (!x2s || !Ks || !Rs || !Hs) throw new Error("fast-rnn: missing saved tensors");
      const dY = cfg.returnSequences ? tf.reshape(tf.transpose(dy, [1, 0, 2]), [T * B, U]) : dy;
      const Hprev = tf.slice(Hs, [0, 0], [T * B, U]);
      let dZ: Tensor;
      let db: Tensor;
      let dR: Tensor;
      if (cfg.kind === "lstm") {
        const RT = tf.transpose(Rs);
        [dZ, db] = first(
          run(tf, KERNEL_NAMES.lstmBackward, { dY, C: s1!, gates: s2!, TC: s3!, RT }, attrs),
          2,
        ) as [Tensor, Tensor];
        dR = tf.matMul(tf.transpose(Hprev), dZ);
      } else if (cfg.kind === "gru") {
        const R1T = tf.transpose(tf.slice(Rs, [0, 0], [U, 2 * U]));
        const R2T = tf.transpose(tf.slice(Rs, [0, 2 * U], [U, U]));
        [dZ, db] = first(
          run(tf, KERNEL_NAMES.gruBackward, { dY, H: Hs, gates: s1!, R1T, R2T }, attrs),
          2,
        ) as [Tensor, Tensor];
        const dZzr = tf.slice(dZ, [0, 0], [T * B, 2 * U]);
        const dZh = tf.slice(dZ, [0, 2 * U], [T * B, U]);
        dR = tf.concat(
          [tf.matMul(tf.transpose(Hprev), dZzr), tf.matMul(tf.transpose(s2!), dZh)],
          1,
        );
      } else {
        const RT = tf.transpose(Rs);
        [dZ, db] = first(run(tf, KERNEL_NAMES.simpleBackward, { dY, H: Hs, RT }, attrs), 2) as [
          Tensor,
          Tensor,
        ];
        dR = tf.matMul(tf.transpose(Hprev), dZ);
      }
      const dK = tf.matMul(tf.transpose(x2s), dZ);
      let dx = tf.reshape(tf.matMul(dZ, tf.transpose(Ks)), [T, B, F]);
      if (cfg.goBackwards) dx = tf.reverse(dx, 0);
      dx = tf.transpose(dx, [1, 0, 2]);
      return bIn ? [dx, dK, dR, tf.reshape(db, [G * U])] : [dx, dK, dR];
    };
    return { value, gradFunc };
  });
  return bias ? op(x, kernel, recurrentKernel, bias) : op(x, kernel, recurrentKernel);
}
