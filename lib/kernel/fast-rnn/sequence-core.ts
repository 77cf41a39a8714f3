// The fused recurrent loops: one call runs a whole sequence forward (or backward) for a batch.
// They work on one flat Float32Array "heap" addressed by float offsets, so the same code runs on
// the wasm backend's memory (zero copies) and on a plain array for the cpu backend. Only the
// recurrent matrix products go through `ws.mm` (XNNPACK on wasm); everything element-wise happens
// here, row by row, which removes the ~7 µs per-op engine overhead that dominates stock tfjs.
//
// Layout conventions (time-major, s = processing step after any goBackwards reversal):
//   xp     (T·B, G·U)  input projection x·K for every step (no bias: bias is added here, in the
//                      same order as the stock cell so float32 rounding matches)
//   H      ((T+1)·B, U) hidden states; block 0 is the zero initial state, block s+1 = h after step s
//   C      ((T+1)·B, U) LSTM carry, same convention
//   gates  (T·B, G·U)  post-activation gate values, saved for the backward pass
//   dZ     (T·B, G·U)  gradient w.r.t. the pre-activations (= w.r.t. x·K + h·R + b), from which the
//                      caller gets dK, dR, db and dx with one matMul each over all steps.
import { activateRange as actR, derivativeRange as dActR } from "./activations";
import type { RnnSimd } from "./simd/rnn-simd";

export interface Workspace {
  /** The current heap view; re-read after every mm (wasm memory may grow during an mm). */
  heap(): Float32Array;
  /** heap[out : out+m·n] = heap[a : a+m·k] · B, where B (k × n) is an opaque matrix handle. */
  mm(a: number, m: number, k: number, b: number, n: number, out: number): void;
  /** SIMD row kernels over the same heap (wasm backend only). */
  simd?: RnnSimd | null;
}

/**
 * The SIMD rows implement a tanh activation with a hardSigmoid (the tfjs default) or sigmoid
 * recurrent activation, for units divisible by 4. ACT_CODE: tanh 0, sigmoid 1, hardSigmoid 2 —
 * the rows take the recurrent code as their recKind.
 */
function simdFor(ws: Workspace, d: SequenceDims): RnnSimd | null {
  return ws.simd && d.act === 0 && (d.rec === 1 || d.rec === 2) && d.U % 4 === 0 ? ws.simd : null;
}

/** SimpleRNN has no recurrent activation: its SIMD path needs only tanh. */
function simpleSimdFor(ws: Workspace, d: SequenceDims): RnnSimd | null {
  return ws.simd && d.act === 0 && d.U % 4 === 0 ? ws.simd : null;
}

export interface SequenceDims {
  T: number;
  B: number;
  U: number;
  /** ACT_CODE of the cell's activation and recurrent activation. */
  act: number;
  rec: number;
}

const fround = Math.fround;

/** Per-row derivative scratch, outside the heap, reused across calls (no garbage per step). */
let scratch = new Float32Array(1024);
function rowScratch(n: number): Float32Array {
  if (scratch.length < n) scratch = new Float32Array(n);
  return scratch;
}

/** heap[row + k] = fround(fround(xp + hR) + bias) for k < n (hR omitted at step 0: h0 = 0). */
function addLstmPre(
  m: Float32Array,
  row: number,
  x: number,
  z: number,
  bias: number,
  n: number,
  rec: boolean,
) {
  if (rec)
    for (let k = 0; k < n; k++) m[row + k] = fround(fround(m[x + k]! + m[z + k]!) + m[bias + k]!);
  else for (let k = 0; k < n; k++) m[row + k] = fround(m[x + k]! + m[bias + k]!);
}

/**
 * db = column sums of dZ (T·B rows of width n), i.e. the bias gradient, summed here in float64
 * instead of as a separate reduction op (tfjs' wasm Sum over axis 0 transposes first).
 */
function columnSums(m: Float32Array, dZ: number, rows: number, n: number, db: number): void {
  const acc = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const row = dZ + r * n;
    for (let k = 0; k < n; k++) acc[k] = acc[k]! + m[row + k]!;
  }
  for (let k = 0; k < n; k++) m[db + k] = acc[k]!;
}

export interface LstmForwardBuffers {
  xp: number;
  bias: number;
  R: number;
  H: number;
  C: number;
  gates: number;
  TC: number;
  zS: number;
}

export function lstmForward(ws: Workspace, d: SequenceDims, o: LstmForwardBuffers): void {
  const { T, B, U } = d;
  const G = 4 * U;
  let m = ws.heap();
  m.fill(0, o.H, o.H + B * U);
  m.fill(0, o.C, o.C + B * U);
  const simd = simdFor(ws, d);
  for (let s = 0; s < T; s++) {
    const rec = s > 0;
    if (rec) {
      ws.mm(o.H + s * B * U, B, U, o.R, G, o.zS);
      m = ws.heap();
    }
    if (simd) {
      for (let b = 0; b < B; b++) {
        const r = s * B + b;
        simd.lstmFwdRow(
          (o.xp + r * G) * 4,
          (o.zS + b * G) * 4,
          o.bias * 4,
          (o.C + r * U) * 4,
          (o.gates + r * G) * 4,
          (o.C + r * U + B * U) * 4,
          (o.TC + r * U) * 4,
          (o.H + r * U + B * U) * 4,
          U * 4,
          rec ? 1 : 0,
          d.rec,
        );
      }
      continue;
    }
    for (let b = 0; b < B; b++) {
      const row = o.gates + (s * B + b) * G;
      const ub = (s * B + b) * U;
      // stock order: (x·K + h·R) + bias, then split into [i f g o]
      addLstmPre(m, row, o.xp + (s * B + b) * G, o.zS + b * G, o.bias, G, rec);
      actR(d.rec, m, row, m, row, 2 * U);
      actR(d.act, m, row + 2 * U, m, row + 2 * U, U);
      actR(d.rec, m, row + 3 * U, m, row + 3 * U, U);
      const cPrev = o.C + ub;
      const cOut = cPrev + B * U;
      for (let j = 0; j < U; j++) {
        const i = m[row + j]!;
        const f = m[row + U + j]!;
        const g = m[row + 2 * U + j]!;
        m[cOut + j] = fround(fround(f * m[cPrev + j]!) + fround(i * g));
      }
      const tc = o.TC + ub;
      actR(d.act, m, cOut, m, tc, U);
      const hOut = o.H + ub + B * U;
      for (let j = 0; j < U; j++) m[hOut + j] = m[row + 3 * U + j]! * m[tc + j]!;
    }
  }
}

export interface LstmBackwardBuffers {
  /** (T·B, U) when returnSequences, else (B, U) for the last step only. */
  dY: number;
  returnSequences: boolean;
  /** Handle of Rᵀ (4U × U), transposed once per optimizer step by the caller. */
  RT: number;
  C: number;
  gates: number;
  TC: number;
  dZ: number;
  db: number;
  dhS: number;
  dcS: number;
}

export function lstmBackward(ws: Workspace, d: SequenceDims, o: LstmBackwardBuffers): void {
  const { T, B, U } = d;
  const G = 4 * U;
  const D = rowScratch(G + U);
  const simd = simdFor(ws, d);
  let m = ws.heap();
  for (let s = T - 1; s >= 0; s--) {
    const last = s === T - 1;
    const dyRow = o.returnSequences ? o.dY + s * B * U : last ? o.dY : -1;
    for (let b = 0; b < B && simd; b++) {
      const r = s * B + b;
      simd.lstmBwdRow(
        dyRow >= 0 ? (dyRow + b * U) * 4 : 0,
        (o.dhS + b * U) * 4,
        (o.gates + r * G) * 4,
        (o.TC + r * U) * 4,
        (o.C + r * U) * 4,
        (o.dZ + r * G) * 4,
        (o.dcS + b * U) * 4,
        U * 4,
        dyRow >= 0 ? 1 : 0,
        last ? 0 : 1,
        d.rec,
      );
    }
    for (let b = 0; b < B && !simd; b++) {
      const row = o.gates + (s * B + b) * G;
      const zRow = o.dZ + (s * B + b) * G;
      const ub = b * U;
      const tc = o.TC + (s * B + b) * U;
      const cPrev = o.C + (s * B + b) * U;
      // derivatives of the activations, from the saved outputs: D = [i' f' g' o' tanh'(c)]
      dActR(d.rec, m, row, D, 0, 2 * U);
      dActR(d.act, m, row + 2 * U, D, 2 * U, U);
      dActR(d.rec, m, row + 3 * U, D, 3 * U, U);
      dActR(d.act, m, tc, D, G, U);
      for (let j = 0; j < U; j++) {
        let dh = dyRow >= 0 ? m[dyRow + ub + j]! : 0;
        if (!last) dh += m[o.dhS + ub + j]!;
        const og = m[row + 3 * U + j]!;
        const tcv = m[tc + j]!;
        let dc = dh * og * D[G + j]!;
        if (!last) dc += m[o.dcS + ub + j]!;
        const i = m[row + j]!;
        const g = m[row + 2 * U + j]!;
        m[o.dcS + ub + j] = dc * m[row + U + j]!;
        m[zRow + j] = dc * g * D[j]!;
        m[zRow + U + j] = dc * m[cPrev + j]! * D[U + j]!;
        m[zRow + 2 * U + j] = dc * i * D[2 * U + j]!;
        m[zRow + 3 * U + j] = dh * tcv * D[3 * U + j]!;
      }
    }
    if (s > 0) {
      ws.mm(o.dZ + s * B * G, B, G, o.RT, U, o.dhS);
      m = ws.heap();
    }
  }
  columnSums(m, o.dZ, T * B, G, o.db);
}

export interface GruForwardBuffers {
  xp: number;
  bias: number;
  /** Handles of the recurrent kernel's [z r] columns (U × 2U) and h columns (U × U). */
  R1: number;
  R2: number;
  H: number;
  gates: number;
  /** (T·B, U) r ⊙ h_prev per step, needed for the gradient of R2. */
  RH: number;
  zrS: number;
  hhS: number;
}

export function gruForward(ws: Workspace, d: SequenceDims, o: GruForwardBuffers): void {
  const { T, B, U } = d;
  const G = 3 * U;
  let m = ws.heap();
  m.fill(0, o.H, o.H + B * U);
  const simd = simdFor(ws, d);
  for (let s = 0; s < T; s++) {
    const rec = s > 0;
    const hPrev = o.H + s * B * U;
    if (rec) {
      ws.mm(hPrev, B, U, o.R1, 2 * U, o.zrS);
      m = ws.heap();
    }
    for (let b = 0; b < B && simd; b++) {
      const r = s * B + b;
      simd.gruFwdRow1(
        (o.xp + r * G) * 4,
        o.bias * 4,
        (o.zrS + b * 2 * U) * 4,
        (hPrev + b * U) * 4,
        (o.gates + r * G) * 4,
        (o.RH + r * U) * 4,
        U * 4,
        rec ? 1 : 0,
        d.rec,
      );
    }
    for (let b = 0; b < B && !simd; b++) {
      const row = o.gates + (s * B + b) * G;
      const x = o.xp + (s * B + b) * G;
      const zr = o.zrS + b * 2 * U;
      // stock order: matrixX = x·K + bias, then + h·R1 for [z r]
      if (rec)
        for (let k = 0; k < 2 * U; k++)
          m[row + k] = fround(fround(m[x + k]! + m[o.bias + k]!) + m[zr + k]!);
      else for (let k = 0; k < 2 * U; k++) m[row + k] = fround(m[x + k]! + m[o.bias + k]!);
      actR(d.rec, m, row, m, row, 2 * U);
      const hp = hPrev + b * U;
      const rh = o.RH + (s * B + b) * U;
      for (let j = 0; j < U; j++) m[rh + j] = m[row + U + j]! * m[hp + j]!;
    }
    if (rec) {
      ws.mm(o.RH + s * B * U, B, U, o.R2, U, o.hhS);
      m = ws.heap();
    }
    for (let b = 0; b < B && simd; b++) {
      const r = s * B + b;
      simd.gruFwdRow2(
        (o.xp + r * G) * 4,
        o.bias * 4,
        (o.hhS + b * U) * 4,
        (hPrev + b * U) * 4,
        (o.gates + r * G) * 4,
        (hPrev + B * U + b * U) * 4,
        U * 4,
        rec ? 1 : 0,
      );
    }
    for (let b = 0; b < B && !simd; b++) {
      const row = o.gates + (s * B + b) * G;
      const x = o.xp + (s * B + b) * G + 2 * U;
      const hh = row + 2 * U;
      const hhS = o.hhS + b * U;
      if (rec)
        for (let j = 0; j < U; j++)
          m[hh + j] = fround(fround(m[x + j]! + m[o.bias + 2 * U + j]!) + m[hhS + j]!);
      else for (let j = 0; j < U; j++) m[hh + j] = fround(m[x + j]! + m[o.bias + 2 * U + j]!);
      actR(d.act, m, hh, m, hh, U);
      const hp = hPrev + b * U;
      const hOut = hp + B * U;
      for (let j = 0; j < U; j++) {
        const z = m[row + j]!;
        m[hOut + j] = fround(z * m[hp + j]!) + fround((1 - z) * m[hh + j]!);
      }
    }
  }
}

export interface GruBackwardBuffers {
  dY: number;
  returnSequences: boolean;
  /** Handles of R1ᵀ (2U × U) and R2ᵀ (U × U). */
  R1T: number;
  R2T: number;
  H: number;
  gates: number;
  dZ: number;
  db: number;
  dhS: number;
  mmS: number;
  dzrS: number;
  dzhS: number;
  drhS: number;
}

export function gruBackward(ws: Workspace, d: SequenceDims, o: GruBackwardBuffers): void {
  const { T, B, U } = d;
  const G = 3 * U;
  const D = rowScratch(G);
  const simd = simdFor(ws, d);
  let m = ws.heap();
  for (let s = T - 1; s >= 0; s--) {
    const last = s === T - 1;
    const dyRow = o.returnSequences ? o.dY + s * B * U : last ? o.dY : -1;
    const hPrev = o.H + s * B * U;
    for (let b = 0; b < B && simd; b++) {
      const r = s * B + b;
      simd.gruBwdRowA(
        dyRow >= 0 ? (dyRow + b * U) * 4 : 0,
        (o.dhS + b * U) * 4,
        (o.mmS + b * U) * 4,
        (o.gates + r * G) * 4,
        (hPrev + b * U) * 4,
        (o.dZ + r * G) * 4,
        (o.dzrS + b * 2 * U) * 4,
        (o.dzhS + b * U) * 4,
        U * 4,
        dyRow >= 0 ? 1 : 0,
        last ? 0 : 1,
        d.rec,
      );
    }
    for (let b = 0; b < B && !simd; b++) {
      const row = o.gates + (s * B + b) * G;
      const zRow = o.dZ + (s * B + b) * G;
      const ub = b * U;
      dActR(d.rec, m, row, D, 0, U);
      dActR(d.act, m, row + 2 * U, D, 2 * U, U);
      for (let j = 0; j < U; j++) {
        let dh = dyRow >= 0 ? m[dyRow + ub + j]! : 0;
        // dhS holds the direct part of the later step's dh_prev, mmS its recurrent part
        if (!last) dh += m[o.dhS + ub + j]! + m[o.mmS + ub + j]!;
        const z = m[row + j]!;
        const hh = m[row + 2 * U + j]!;
        const dzz = dh * (m[hPrev + ub + j]! - hh) * D[j]!;
        const dzh = dh * (1 - z) * D[2 * U + j]!;
        m[zRow + j] = dzz;
        m[zRow + 2 * U + j] = dzh;
        m[o.dzrS + 2 * ub + j] = dzz;
        m[o.dzhS + ub + j] = dzh;
        m[o.dhS + ub + j] = dh * z;
      }
    }
    if (s === 0) {
      // h0 is the constant zero state: d r = d(r·h0)/d r = 0 and no gradient flows further.
      for (let b = 0; b < B; b++) m.fill(0, o.dZ + b * G + U, o.dZ + b * G + 2 * U);
      break;
    }
    ws.mm(o.dzhS, B, U, o.R2T, U, o.drhS);
    m = ws.heap();
    for (let b = 0; b < B && simd; b++) {
      const r = s * B + b;
      simd.gruBwdRowB(
        (o.drhS + b * U) * 4,
        (o.gates + r * G) * 4,
        (hPrev + b * U) * 4,
        (o.dZ + r * G) * 4,
        (o.dzrS + b * 2 * U) * 4,
        (o.dhS + b * U) * 4,
        U * 4,
        d.rec,
      );
    }
    for (let b = 0; b < B && !simd; b++) {
      const row = o.gates + (s * B + b) * G;
      const zRow = o.dZ + (s * B + b) * G;
      const ub = b * U;
      dActR(d.rec, m, row + U, D, U, U);
      for (let j = 0; j < U; j++) {
        const drh = m[o.drhS + ub + j]!;
        const dzr = drh * m[hPrev + ub + j]! * D[U + j]!;
        m[zRow + U + j] = dzr;
        m[o.dzrS + 2 * ub + U + j] = dzr;
        m[o.dhS + ub + j] = m[o.dhS + ub + j]! + drh * m[row + U + j]!;
      }
    }
    ws.mm(o.dzrS, B, 2 * U, o.R1T, U, o.mmS);
    m = ws.heap();
  }
  columnSums(m, o.dZ, T * B, G, o.db);
}

export interface SimpleForwardBuffers {
  xp: number;
  bias: number;
  R: number;
  H: number;
  zS: number;
}

export function simpleForward(ws: Workspace, d: SequenceDims, o: SimpleForwardBuffers): void {
  const { T, B, U } = d;
  let m = ws.heap();
  m.fill(0, o.H, o.H + B * U);
  const simd = simpleSimdFor(ws, d);
  for (let s = 0; s < T; s++) {
    const rec = s > 0;
    const hPrev = o.H + s * B * U;
    const hOut = hPrev + B * U;
    if (rec) {
      ws.mm(hPrev, B, U, o.R, U, o.zS);
      m = ws.heap();
    }
    if (simd) {
      simd.simpleFwd(
        (o.xp + s * B * U) * 4,
        o.bias * 4,
        o.zS * 4,
        hOut * 4,
        B * U * 4,
        U * 4,
        rec ? 1 : 0,
      );
      continue;
    }
    for (let b = 0; b < B; b++) {
      const x = o.xp + (s * B + b) * U;
      const h = hOut + b * U;
      const z = o.zS + b * U;
      // stock order: (x·K + bias) + h·R
      if (rec)
        for (let j = 0; j < U; j++)
          m[h + j] = fround(fround(m[x + j]! + m[o.bias + j]!) + m[z + j]!);
      else for (let j = 0; j < U; j++) m[h + j] = fround(m[x + j]! + m[o.bias + j]!);
      actR(d.act, m, h, m, h, U);
    }
  }
}

export interface SimpleBackwardBuffers {
  dY: number;
  returnSequences: boolean;
  RT: number;
  H: number;
  dZ: number;
  db: number;
  dhS: number;
}

export function simpleBackward(ws: Workspace, d: SequenceDims, o: SimpleBackwardBuffers): void {
  const { T, B, U } = d;
  const n = B * U;
  const D = rowScratch(n);
  const simd = simpleSimdFor(ws, d);
  let m = ws.heap();
  for (let s = T - 1; s >= 0; s--) {
    const last = s === T - 1;
    const dyRow = o.returnSequences ? o.dY + s * n : last ? o.dY : -1;
    const zRow = o.dZ + s * n;
    if (simd) {
      simd.simpleBwd(
        dyRow >= 0 ? dyRow * 4 : 0,
        o.dhS * 4,
        (o.H + (s + 1) * n) * 4,
        zRow * 4,
        n * 4,
        dyRow >= 0 ? 1 : 0,
        last ? 0 : 1,
      );
    } else {
      dActR(d.act, m, o.H + (s + 1) * n, D, 0, n);
      for (let u = 0; u < n; u++) {
        let dh = dyRow >= 0 ? m[dyRow + u]! : 0;
        if (!last) dh += m[o.dhS + u]!;
        m[zRow + u] = dh * D[u]!;
      }
    }
    if (s > 0) {
      ws.mm(zRow, B, U, o.RT, U, o.dhS);
      m = ws.heap();
    }
  }
  columnSums(m, o.dZ, T * B, U, o.db);
}
