// Instantiates the SIMD LSTM/GRU/SimpleRNN row kernels (rnn-simd.wat) on a given WebAssembly.Memory — the tfjs
// wasm backend's own heap — so they read and write tensors in place. Returns null where wasm SIMD
// or the memory is unavailable; callers then use the JS loops.
import { RNN_SIMD_WASM_BASE64 } from "./rnn-simd-wasm";

export interface RnnSimd {
  /** Pointers are byte offsets; u4 = 4·units bytes; flags are 0/1; recKind 1 = sigmoid, 2 = hardSigmoid. */
  lstmFwdRow(
    xr: number,
    zr: number,
    bias: number,
    cp: number,
    gr: number,
    co: number,
    tco: number,
    ho: number,
    u4: number,
    hasRec: number,
    recKind: number,
  ): void;
  lstmBwdRow(
    dyr: number,
    dhs: number,
    gr: number,
    tcr: number,
    cp: number,
    zr: number,
    dcs: number,
    u4: number,
    hasDy: number,
    hasNext: number,
    recKind: number,
  ): void;
  gruFwdRow1(
    xr: number,
    bias: number,
    zrs: number,
    hp: number,
    gr: number,
    rh: number,
    u4: number,
    hasRec: number,
    recKind: number,
  ): void;
  gruFwdRow2(
    xr: number,
    bias: number,
    hhs: number,
    hp: number,
    gr: number,
    ho: number,
    u4: number,
    hasRec: number,
  ): void;
  gruBwdRowA(
    dyr: number,
    dhs: number,
    mms: number,
    gr: number,
    hp: number,
    zr: number,
    dzr: number,
    dzh: number,
    u4: number,
    hasDy: number,
    hasNext: number,
    recKind: number,
  ): void;
  gruBwdRowB(
    drh: number,
    gr: number,
    hp: number,
    zr: number,
    dzr: number,
    dhs: number,
    u4: number,
    recKind: number,
  ): void;
  simpleFwd(
    xr: number,
    bias: number,
    zs: number,
    ho: number,
    n: number,
    u4: number,
    hasRec: number,
  ): void;
  simpleBwd(
    dyr: number,
    dhs: number,
    hr: number,
    zr: number,
    n: number,
    hasDy: number,
    hasNext: number,
  ): void;
}

function decode(base64: string): Uint8Array {
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

let compiled: WebAssembly.Module | null | undefined;

export function instantiateRnnSimd(memory: WebAssembly.Memory): RnnSimd | null {
  if (compiled === undefined) {
    try {
      // 1.4 kB: synchronous compilation is fine (and allowed on any thread at this size)
      compiled = new WebAssembly.Module(decode(RNN_SIMD_WASM_BASE64) as BufferSource);
    } catch {
      compiled = null; // no wasm SIMD in this runtime
    }
  }
  if (!compiled) return null;
  try {
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    return instance.exports as unknown as RnnSimd;
  } catch {
    return null;
  }
}
