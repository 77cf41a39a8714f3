/**
 * Declarations of what a tfjs cell sees besides plain JavaScript: `tf` and the output helpers.
 * Given to Monaco for autocomplete and hovers; kept in step with output-api.ts (a test
 * type-checks sample cells against it with the real tfjs typings).
 */
export const KERNEL_API_DTS = `
/** TensorFlow.js (@tensorflow/tfjs), already loaded in the kernel. */
declare const tf: typeof import("@tensorflow/tfjs");

/** Data a plot trace accepts: arrays, typed arrays or tensors (flattened). */
type PlotValues = ArrayLike<number | string | Date | null> | import("@tensorflow/tfjs").Tensor;

/** One Plotly trace, e.g. { y: values, mode: "lines", name: "series" }. */
interface PlotTrace {
  x?: PlotValues;
  y?: PlotValues;
  z?: PlotValues | PlotValues[];
  type?: "scatter" | "bar" | "histogram" | "heatmap" | "box" | "scattergl" | (string & {});
  mode?: "lines" | "markers" | "lines+markers" | "text" | (string & {});
  name?: string;
  line?: { color?: string; width?: number; dash?: string };
  marker?: { color?: string; size?: number };
  [key: string]: unknown;
}

/** Plotly layout (a subset is typed; anything Plotly accepts works). */
interface PlotLayout {
  title?: string | { text: string };
  xaxis?: { title?: string | { text: string }; type?: "linear" | "log"; range?: [number, number]; [key: string]: unknown };
  yaxis?: { title?: string | { text: string }; type?: "linear" | "log"; range?: [number, number]; [key: string]: unknown };
  height?: number;
  showlegend?: boolean;
  [key: string]: unknown;
}

/** A plot already shown; update() redraws it in place. */
interface PlotHandle {
  readonly plotId: string;
  update(traces: PlotTrace | PlotTrace[], layout?: PlotLayout): void;
}

/** A progress bar already shown; update() moves it (ETA is computed for you). */
interface ProgressHandle {
  readonly progressId: string;
  update(value: number, detail?: string): void;
}

interface TrainingCallbackOptions {
  /** Plot title (default "Training loss"). */
  title?: string;
  /** Extra metrics from the logs to plot besides loss and val_loss, e.g. ["mae"]. */
  metrics?: string[];
  /** Logarithmic y axis. */
  logScale?: boolean;
  /** Minimum milliseconds between two progress updates (default 200; the plot redraws at half that rate). */
  throttleMs?: number;
}

/**
 * Shows values under the cell: a tensor with its shape, dtype and values; an array of objects
 * or an object as a table; a model as its summary; a string as text.
 */
declare function display(...values: unknown[]): void;

/** Draws a Plotly figure under the cell. */
declare function plot(traces: PlotTrace | PlotTrace[], layout?: PlotLayout): PlotHandle;

/** Shows a progress bar from 0 to max. */
declare function progress(label: string, max: number): ProgressHandle;

/**
 * Callbacks for model.fit: a live loss / val_loss plot and an epoch progress bar with ETA.
 * @example await model.fit(xs, ys, { epochs: 20, callbacks: trainingCallbacks() });
 */
declare function trainingCallbacks(options?: TrainingCallbackOptions): import("@tensorflow/tfjs").Callback;
`;
