// Routes learners' unchanged tf.layers.lstm / gru / simpleRNN (and tf.layers.rnn with the
// matching stock cells) through the fused sequence op. We patch RNN.prototype.call, which every
// one of those layers reaches (LSTM/GRU/SimpleRNN.call end in super.call), so weights, their
// names and layout, regularizers, constraints, serialization and the training loop stay stock.
import type * as tfTypes from "@tensorflow/tfjs";
import { fastSequence } from "./fast-sequence";
import { registerFusedKernels } from "./fused-kernels";
import { planRnnCall, type RnnLayerKind, type Plan } from "./plan";

type TF = typeof tfTypes;
type Tensor = tfTypes.Tensor;
type Kwargs = Record<string, unknown> | undefined;
type CallFn = (this: unknown, inputs: unknown, kwargs: Kwargs) => unknown;

/** The parts of a tfjs-layers RNN layer (and its cell) that we read. */
interface RnnLayerLike {
  name: string;
  getClassName(): string;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  cell: {
    call: CallFn;
    getClassName(): string;
    units: number;
    dropout?: number;
    recurrentDropout?: number;
    useBias?: boolean;
    activation?: { getClassName(): string };
    recurrentActivation?: { getClassName(): string };
    kernel?: { read(): Tensor };
    recurrentKernel?: { read(): Tensor };
    bias?: { read(): Tensor } | null;
  };
}

export interface FastRnnLayerReport {
  layer: string;
  className: string;
  accelerated: boolean;
  reason?: string;
}

export interface FastRnnHandle {
  uninstall(): void;
  describe(layer: unknown): { accelerated: boolean; reason?: string };
}

const MAX_REPORT = 50;
const report = new Map<string, FastRnnLayerReport>();

/** Per-layer outcome of the most recent calls, for the kernel's info panel. */
export function getFastRnnReport(): FastRnnLayerReport[] {
  return [...report.values()];
}

function record(layer: RnnLayerLike, plan: Plan): void {
  const entry: FastRnnLayerReport = {
    layer: layer.name,
    className: layer.getClassName(),
    accelerated: plan.accelerated,
    ...(plan.accelerated ? {} : { reason: plan.reason }),
  };
  const prev = report.get(entry.layer);
  if (prev && prev.accelerated === entry.accelerated && prev.reason === entry.reason) return;
  report.delete(entry.layer);
  report.set(entry.layer, entry);
  if (report.size > MAX_REPORT) {
    const oldest = report.keys().next().value;
    if (oldest !== undefined) report.delete(oldest);
  }
}

function findOwner(start: object, className: string): { call: CallFn } | null {
  let p: object | null = start;
  while (p) {
    const ctor = (p as { constructor?: { className?: string } }).constructor;
    if (
      ctor &&
      Object.prototype.hasOwnProperty.call(ctor, "className") &&
      ctor.className === className
    ) {
      return p as { call: CallFn };
    }
    p = Object.getPrototypeOf(p) as object | null;
  }
  return null;
}

function isRnnLayer(x: unknown): x is RnnLayerLike {
  const l = x as Partial<RnnLayerLike> | null;
  return !!l && typeof l === "object" && !!l.cell && typeof l.getClassName === "function";
}

let active: { tf: TF; handle: FastRnnHandle } | null = null;

export function installFastRecurrentLayers(tf: TF): FastRnnHandle {
  if (active && active.tf === tf) return active.handle;
  if (active) active.handle.uninstall();
  registerFusedKernels(tf);

  const rnnProto = findOwner(tf.layers.simpleRNN({ units: 1 }), "RNN");
  if (!rnnProto) throw new Error("fast-rnn: cannot find tfjs-layers' RNN class");
  const stockCall = rnnProto.call;
  const cellCalls = new Map<CallFn, RnnLayerKind>([
    [tf.layers.lstmCell({ units: 1 }).call as unknown as CallFn, "lstm"],
    [tf.layers.gruCell({ units: 1 }).call as unknown as CallFn, "gru"],
    [tf.layers.simpleRNNCell({ units: 1 }).call as unknown as CallFn, "simpleRNN"],
  ]);

  const planFor = (
    layer: RnnLayerLike,
    input: Tensor | null,
    kwargs: Kwargs,
    multipleInputs: boolean,
  ): Plan => {
    const c = layer.cell;
    return planRnnCall({
      layerKind: cellCalls.get(c.call) ?? null,
      cellClassName: c.getClassName(),
      units: c.units,
      returnSequences: layer.returnSequences,
      returnState: layer.returnState,
      goBackwards: layer.goBackwards,
      stateful: layer.stateful,
      dropout: c.dropout ?? 0,
      recurrentDropout: c.recurrentDropout ?? 0,
      activation: c.activation?.getClassName(),
      recurrentActivation: c.recurrentActivation?.getClassName(),
      useBias: c.useBias !== false && c.bias != null,
      hasMask: kwargs?.["mask"] != null,
      hasInitialState: kwargs?.["initialState"] != null || multipleInputs,
      inputShape: input ? input.shape : null,
      inputDtype: input ? input.dtype : null,
      backend: tf.getBackend(),
    });
  };

  const callLayer = (layer: unknown, inputs: unknown, kwargs: Kwargs): unknown => {
    if (!isRnnLayer(layer)) return stockCall.call(layer, inputs, kwargs);
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const x = list[0] instanceof tf.Tensor ? (list[0] as Tensor) : null;
    const plan = x
      ? planFor(layer, x, kwargs, list.length > 1)
      : ({ accelerated: false, reason: "symbolic input" } as Plan);
    record(layer, plan);
    const { kernel, recurrentKernel, bias } = layer.cell;
    if (!plan.accelerated || !x || !kernel || !recurrentKernel)
      return stockCall.call(layer, inputs, kwargs);
    return tf.tidy(() =>
      fastSequence(
        tf,
        plan.config,
        x,
        kernel.read(),
        recurrentKernel.read(),
        plan.config.useBias && bias ? bias.read() : null,
      ),
    );
  };
  const fastCall: CallFn = function (this: unknown, inputs: unknown, kwargs: Kwargs) {
    return callLayer(this, inputs, kwargs);
  };

  rnnProto.call = fastCall;
  const handle: FastRnnHandle = {
    uninstall() {
      if (rnnProto.call === fastCall) rnnProto.call = stockCall;
      if (active?.handle === handle) active = null;
    },
    describe(layer) {
      if (!isRnnLayer(layer)) return { accelerated: false, reason: "not a recurrent layer" };
      const plan = planFor(layer, null, undefined, false);
      return plan.accelerated ? { accelerated: true } : { accelerated: false, reason: plan.reason };
    },
  };
  active = { tf, handle };
  return handle;
}
