// Registers the fused whole-sequence kernels with tfjs for the wasm and cpu backends.
//
// wasm: the loops in sequence-core.ts read and write the backend's own heap (no copies); the
// recurrent matrix products call the backend's exported `_BatchMatMul` directly on views of that
// heap, which is XNNPACK's fully-connected fast path (untransposed, batch 1) and skips the engine
// entirely. cpu: inputs are copied into one scratch array and the products are plain JS loops.
import type * as tfTypes from "@tensorflow/tfjs";
import { instantiateRnnSimd, type RnnSimd } from "./simd/rnn-simd";
import {
  gruBackward,
  gruForward,
  lstmBackward,
  lstmForward,
  simpleBackward,
  simpleForward,
  type SequenceDims,
  type Workspace,
} from "./sequence-core";

type TF = typeof tfTypes;
type TensorInfo = { dataId: object; shape: number[]; dtype: string };

export const KERNEL_NAMES = {
  lstmForward: "FastRnnLstmForward",
  lstmBackward: "FastRnnLstmBackward",
  gruForward: "FastRnnGruForward",
  gruBackward: "FastRnnGruBackward",
  simpleForward: "FastRnnSimpleForward",
  simpleBackward: "FastRnnSimpleBackward",
} as const;

export interface FusedAttrs {
  T: number;
  B: number;
  U: number;
  act: number;
  rec: number;
  returnSequences: boolean;
}

/** What one kernel call needs: heap inputs, mm right-hand matrices, outputs, scratch, the loop. */
interface FusedCall {
  inputs: Record<string, TensorInfo>;
  matrices: Record<string, TensorInfo>;
  outputs: Record<string, [number, number]>;
  scratch: Record<string, number>;
  run(ws: Workspace, off: Record<string, number>, mat: Record<string, number>): void;
}

function need(inputs: Record<string, TensorInfo | undefined>, name: string): TensorInfo {
  const t = inputs[name];
  if (!t) throw new Error(`fast-rnn kernel: missing input ${name}`);
  return t;
}

function at(off: Record<string, number>, name: string): number {
  const v = off[name];
  if (v === undefined) throw new Error(`fast-rnn kernel: no buffer ${name}`);
  return v;
}

type Builder = (inputs: Record<string, TensorInfo | undefined>, a: FusedAttrs) => FusedCall;

const dims = (a: FusedAttrs): SequenceDims => ({ T: a.T, B: a.B, U: a.U, act: a.act, rec: a.rec });

const BUILDERS: Record<string, Builder> = {
  [KERNEL_NAMES.lstmForward]: (i, a) => ({
    inputs: { xp: need(i, "xp"), bias: need(i, "bias") },
    matrices: { R: need(i, "R") },
    outputs: {
      H: [(a.T + 1) * a.B, a.U],
      C: [(a.T + 1) * a.B, a.U],
      gates: [a.T * a.B, 4 * a.U],
      TC: [a.T * a.B, a.U],
    },
    scratch: { zS: a.B * 4 * a.U },
    run: (ws, o, m) =>
      lstmForward(ws, dims(a), {
        xp: at(o, "xp"),
        bias: at(o, "bias"),
        R: at(m, "R"),
        H: at(o, "H"),
        C: at(o, "C"),
        gates: at(o, "gates"),
        TC: at(o, "TC"),
        zS: at(o, "zS"),
      }),
  }),
  [KERNEL_NAMES.lstmBackward]: (i, a) => ({
    inputs: { dY: need(i, "dY"), C: need(i, "C"), gates: need(i, "gates"), TC: need(i, "TC") },
    matrices: { RT: need(i, "RT") },
    outputs: { dZ: [a.T * a.B, 4 * a.U], db: [1, 4 * a.U] },
    scratch: { dhS: a.B * a.U, dcS: a.B * a.U },
    run: (ws, o, m) =>
      lstmBackward(ws, dims(a), {
        dY: at(o, "dY"),
        returnSequences: a.returnSequences,
        RT: at(m, "RT"),
        C: at(o, "C"),
        gates: at(o, "gates"),
        TC: at(o, "TC"),
        dZ: at(o, "dZ"),
        db: at(o, "db"),
        dhS: at(o, "dhS"),
        dcS: at(o, "dcS"),
      }),
  }),
  [KERNEL_NAMES.gruForward]: (i, a) => ({
    inputs: { xp: need(i, "xp"), bias: need(i, "bias") },
    matrices: { R1: need(i, "R1"), R2: need(i, "R2") },
    outputs: {
      H: [(a.T + 1) * a.B, a.U],
      gates: [a.T * a.B, 3 * a.U],
      RH: [a.T * a.B, a.U],
    },
    scratch: { zrS: a.B * 2 * a.U, hhS: a.B * a.U },
    run: (ws, o, m) =>
      gruForward(ws, dims(a), {
        xp: at(o, "xp"),
        bias: at(o, "bias"),
        R1: at(m, "R1"),
        R2: at(m, "R2"),
        H: at(o, "H"),
        gates: at(o, "gates"),
        RH: at(o, "RH"),
        zrS: at(o, "zrS"),
        hhS: at(o, "hhS"),
      }),
  }),
  [KERNEL_NAMES.gruBackward]: (i, a) => ({
    inputs: { dY: need(i, "dY"), H: need(i, "H"), gates: need(i, "gates") },
    matrices: { R1T: need(i, "R1T"), R2T: need(i, "R2T") },
    outputs: { dZ: [a.T * a.B, 3 * a.U], db: [1, 3 * a.U] },
    scratch: {
      dhS: a.B * a.U,
      mmS: a.B * a.U,
      dzrS: a.B * 2 * a.U,
      dzhS: a.B * a.U,
      drhS: a.B * a.U,
    },
    run: (ws, o, m) =>
      gruBackward(ws, dims(a), {
        dY: at(o, "dY"),
        returnSequences: a.returnSequences,
        R1T: at(m, "R1T"),
        R2T: at(m, "R2T"),
        H: at(o, "H"),
        gates: at(o, "gates"),
        dZ: at(o, "dZ"),
        db: at(o, "db"),
        dhS: at(o, "dhS"),
        mmS: at(o, "mmS"),
        dzrS: at(o, "dzrS"),
        dzhS: at(o, "dzhS"),
        drhS: at(o, "drhS"),
      }),
  }),
  [KERNEL_NAMES.simpleForward]: (i, a) => ({
    inputs: { xp: need(i, "xp"), bias: need(i, "bias") },
    matrices: { R: need(i, "R") },
    outputs: { H: [(a.T + 1) * a.B, a.U] },
    scratch: { zS: a.B * a.U },
    run: (ws, o, m) =>
      simpleForward(ws, dims(a), {
        xp: at(o, "xp"),
        bias: at(o, "bias"),
        R: at(m, "R"),
        H: at(o, "H"),
        zS: at(o, "zS"),
      }),
  }),
  [KERNEL_NAMES.simpleBackward]: (i, a) => ({
    inputs: { dY: need(i, "dY"), H: need(i, "H") },
    matrices: { RT: need(i, "RT") },
    outputs: { dZ: [a.T * a.B, a.U], db: [1, a.U] },
    scratch: { dhS: a.B * a.U },
    run: (ws, o, m) =>
      simpleBackward(ws, dims(a), {
        dY: at(o, "dY"),
        returnSequences: a.returnSequences,
        RT: at(m, "RT"),
        H: at(o, "H"),
        dZ: at(o, "dZ"),
        db: at(o, "db"),
        dhS: at(o, "dhS"),
      }),
  }),
};

// ---- wasm backend -------------------------------------------------------------------------

interface WasmModule {
  HEAPF32: Float32Array;
  /** Emscripten's exports (the heap's WebAssembly.Memory is exports.memory). */
  asm?: { memory?: WebAssembly.Memory };
  wasmMemory?: WebAssembly.Memory;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _BatchMatMul(
    aId: number,
    aShape: number,
    aRank: number,
    bId: number,
    bShape: number,
    bRank: number,
    transposeA: number,
    transposeB: number,
    outId: number,
  ): void;
  tfjs: {
    registerTensor(id: number, size: number, byteOffset: number): void;
    disposeData(id: number): void;
  };
}

interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: string): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Six int32 shape slots per backend, allocated once: [1, m, k] and [1, k, n]. */
const shapeSlots = new WeakMap<object, number>();
/** SIMD row kernels bound to each backend's heap (null: not available there). */
const simdKernels = new WeakMap<object, RnnSimd | null>();

/** Off switch for measurements and tests: the JS loops instead of the SIMD rows. */
export const fusedOptions = { simd: true };

let lastWasmSimd: boolean | null = null;

/** Whether the last fused call on wasm could use the SIMD rows (null: none ran on wasm yet). */
export function wasmSimdAvailable(): boolean | null {
  return lastWasmSimd;
}

function simdFor(backend: WasmBackend): RnnSimd | null {
  if (!simdKernels.has(backend)) {
    const memory = backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
    simdKernels.set(
      backend,
      memory instanceof WebAssembly.Memory ? instantiateRnnSimd(memory) : null,
    );
  }
  return simdKernels.get(backend) ?? null;
}

function wasmRecord(backend: WasmBackend, t: TensorInfo) {
  const r = backend.dataIdMap.get(t.dataId);
  if (!r) throw new Error("fast-rnn kernel: tensor not on the wasm backend");
  return r;
}

function runOnWasm(backend: WasmBackend, call: FusedCall): TensorInfo[] {
  const wasm = backend.wasm;
  let shapes = shapeSlots.get(backend);
  if (shapes === undefined) {
    shapes = wasm._malloc(24);
    shapeSlots.set(backend, shapes);
  }
  const off: Record<string, number> = {};
  for (const [name, t] of Object.entries(call.inputs))
    off[name] = wasmRecord(backend, t).memoryOffset >>> 2;
  const mat: Record<string, number> = {};
  for (const [name, t] of Object.entries(call.matrices)) mat[name] = wasmRecord(backend, t).id;
  const outs: TensorInfo[] = [];
  for (const [name, shape] of Object.entries(call.outputs)) {
    const t = backend.makeOutput(shape, "float32");
    outs.push(t);
    off[name] = wasmRecord(backend, t).memoryOffset >>> 2;
  }
  const scratchSize = Object.values(call.scratch).reduce((a, b) => a + b, 0);
  const scratch = backend.makeOutput([Math.max(1, scratchSize)], "float32");
  let cursor = wasmRecord(backend, scratch).memoryOffset >>> 2;
  for (const [name, size] of Object.entries(call.scratch)) {
    off[name] = cursor;
    cursor += size;
  }
  // XNNPACK reads and writes registered tensors by id: register views of heap regions lazily,
  // keyed by offset (numbers, so the per-step calls allocate nothing).
  const viewIds = new Map<number, number>();
  const viewSizes = new Map<number, number>();
  const registered: number[] = [];
  const view = (offset: number, size: number) => {
    const id = viewIds.get(offset);
    if (id !== undefined && viewSizes.get(offset) === size) return id;
    const fresh = backend.dataIdNextNumber++;
    wasm.tfjs.registerTensor(fresh, size, offset * 4);
    registered.push(fresh);
    viewIds.set(offset, fresh);
    viewSizes.set(offset, size);
    return fresh;
  };
  const simd = fusedOptions.simd ? simdFor(backend) : null;
  lastWasmSimd = simd !== null;
  const ws: Workspace = {
    simd,
    heap: () => wasm.HEAPF32,
    mm(a, m, k, b, n, out) {
      const aId = view(a, m * k);
      const outId = view(out, m * n);
      const s = wasm.HEAP32;
      const p = shapes >>> 2;
      s[p] = 1;
      s[p + 1] = m;
      s[p + 2] = k;
      s[p + 3] = 1;
      s[p + 4] = k;
      s[p + 5] = n;
      wasm._BatchMatMul(aId, shapes, 3, b, shapes + 12, 3, 0, 0, outId);
    },
  };
  try {
    call.run(ws, off, mat);
  } finally {
    for (const id of registered) wasm.tfjs.disposeData(id);
    backend.disposeData(scratch.dataId, true);
  }
  return outs;
}

// ---- cpu backend --------------------------------------------------------------------------

interface CpuBackend {
  data: { get(dataId: object): { values?: ArrayLike<number> } | undefined };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
}

function runOnCpu(backend: CpuBackend, call: FusedCall): TensorInfo[] {
  const sizeOf = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
  const all = { ...call.inputs, ...call.matrices };
  let total = 0;
  for (const t of Object.values(all)) total += sizeOf(t);
  for (const [r, c] of Object.values(call.outputs)) total += r * c;
  for (const s of Object.values(call.scratch)) total += s;
  const heap = new Float32Array(total);
  const off: Record<string, number> = {};
  let cursor = 0;
  for (const [name, t] of Object.entries(all)) {
    const values = backend.data.get(t.dataId)?.values;
    if (!values) throw new Error(`fast-rnn kernel: no cpu data for ${name}`);
    heap.set(values, cursor);
    off[name] = cursor;
    cursor += sizeOf(t);
  }
  const outStart: [string, number, [number, number]][] = [];
  for (const [name, shape] of Object.entries(call.outputs)) {
    off[name] = cursor;
    outStart.push([name, cursor, shape]);
    cursor += shape[0] * shape[1];
  }
  for (const [name, size] of Object.entries(call.scratch)) {
    off[name] = cursor;
    cursor += size;
  }
  const mat: Record<string, number> = {};
  for (const name of Object.keys(call.matrices)) mat[name] = at(off, name);
  const ws: Workspace = {
    heap: () => heap,
    mm(a, m, k, b, n, out) {
      for (let i = 0; i < m; i++) {
        const o = out + i * n;
        heap.fill(0, o, o + n);
        for (let p = 0; p < k; p++) {
          const av = heap[a + i * k + p]!;
          const bRow = b + p * n;
          for (let j = 0; j < n; j++) heap[o + j] = heap[o + j]! + av * heap[bRow + j]!;
        }
      }
    },
  };
  call.run(ws, off, mat);
  return outStart.map(([, start, shape]) =>
    backend.makeTensorInfo(shape, "float32", heap.slice(start, start + shape[0] * shape[1])),
  );
}

// ---- registration -------------------------------------------------------------------------

const FUSED_BACKENDS = ["wasm", "cpu"] as const;

export function registerFusedKernels(tf: TF): void {
  for (const [kernelName, build] of Object.entries(BUILDERS)) {
    for (const backendName of FUSED_BACKENDS) {
      if (tf.getKernel(kernelName, backendName)) continue;
      tf.registerKernel({
        kernelName,
        backendName,
        kernelFunc: (({
          inputs,
          attrs,
          backend,
        }: {
          inputs: unknown;
          attrs: unknown;
          backend: unknown;
        }) => {
          const call = build(
            inputs as Record<string, TensorInfo | undefined>,
            attrs as unknown as FusedAttrs,
          );
          return backendName === "wasm"
            ? runOnWasm(backend as unknown as WasmBackend, call)
            : runOnCpu(backend as unknown as CpuBackend, call);
        }) as unknown as tfTypes.KernelFunc,
      });
    }
  }
}
