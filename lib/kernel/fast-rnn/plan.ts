// Decides, from plain facts about one RNN layer call, whether the fused path computes exactly what
// the stock layer would. Anything we do not reproduce goes back to the stock layer, with a reason
// a person can read in the kernel's info.
import { ACT_CODE, activationKindOf } from "./activations";

export type RnnLayerKind = "lstm" | "gru" | "simpleRNN";

export interface RnnCallFacts {
  /** null when the cell is not a stock LSTMCell / GRUCell / SimpleRNNCell (custom, stacked). */
  layerKind: RnnLayerKind | null;
  cellClassName: string;
  units: number;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  dropout: number;
  recurrentDropout: number;
  activation: string | undefined;
  recurrentActivation: string | undefined;
  useBias: boolean;
  hasMask: boolean;
  hasInitialState: boolean;
  /** Shape of the input tensor, when known. */
  inputShape: readonly number[] | null;
  inputDtype: string | null;
  backend: string;
}

export interface FastSequenceConfig {
  kind: RnnLayerKind;
  units: number;
  act: number;
  rec: number;
  returnSequences: boolean;
  goBackwards: boolean;
  useBias: boolean;
}

export type Plan =
  { accelerated: true; config: FastSequenceConfig } | { accelerated: false; reason: string };

const ACCELERATED_BACKENDS: readonly string[] = ["wasm", "cpu"];

export function planRnnCall(f: RnnCallFacts): Plan {
  const no = (reason: string): Plan => ({ accelerated: false, reason });
  if (f.layerKind === null)
    return no(`cell ${f.cellClassName} is not a stock LSTM/GRU/SimpleRNN cell`);
  if (!ACCELERATED_BACKENDS.includes(f.backend))
    return no(`backend ${f.backend} is not accelerated (wasm, cpu are)`);
  if (f.returnState) return no("returnState");
  if (f.stateful) return no("stateful");
  if (f.dropout > 0) return no("dropout");
  if (f.recurrentDropout > 0) return no("recurrentDropout");
  if (f.hasMask) return no("masking");
  if (f.hasInitialState) return no("initialState");
  if (f.inputShape !== null && f.inputShape.length !== 3)
    return no(`input of rank ${f.inputShape.length}`);
  if (f.inputShape !== null && f.inputShape.some((d) => d === 0)) return no("empty input");
  if (f.inputDtype !== null && f.inputDtype !== "float32") return no(`input dtype ${f.inputDtype}`);
  const act = activationKindOf(f.activation);
  if (act === null) return no(`activation ${f.activation ?? "?"}`);
  let rec = act;
  if (f.layerKind !== "simpleRNN") {
    const r = activationKindOf(f.recurrentActivation);
    if (r === null) return no(`recurrentActivation ${f.recurrentActivation ?? "?"}`);
    rec = r;
  }
  return {
    accelerated: true,
    config: {
      kind: f.layerKind,
      units: f.units,
      act: ACT_CODE[act],
      rec: ACT_CODE[rec],
      returnSequences: f.returnSequences,
      goBackwards: f.goBackwards,
      useBias: f.useBias,
    },
  };
}
