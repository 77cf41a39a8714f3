// Public entry of the fast recurrent layers: the kernel installs them once per worker.
export { installFastRecurrentLayers, getFastRnnReport } from "./install";
export type { FastRnnHandle, FastRnnLayerReport } from "./install";
export { planRnnCall, ACCELERATED_BACKENDS } from "./plan";
export type { CellKind, FastSequenceConfig, RnnCallFacts } from "./plan";
export { wasmSimdAvailable } from "./fused-kernels";
