/**
 * The helpers cells see next to `tf`: display, plot, progress, trainingCallbacks and a
 * console. They write to whichever run is current (a callback from an earlier cell that fires
 * later writes to the cell running now, or to the last one), through `emit`.
 */
import type { CellOutput } from "@/lib/notebook/types";
import { displayOutput, formatConsoleArgs, normalizeTraces, type Tf } from "./format";
import { epochXRange, lossYRange, type AxisRange } from "./loss-axis";
import type { PlotDrawSync } from "./plot-draw-sync";

export type Emit = (output: CellOutput) => void;

export interface PlotHandle {
  readonly plotId: string;
  update(traces: unknown, layout?: Record<string, unknown>): void;
}

export interface ProgressHandle {
  readonly progressId: string;
  update(value: number, detail?: string): void;
}

export interface TrainingCallbackOptions {
  /** Plot title (default "Training loss"). */
  title?: string;
  /** Extra metrics from the logs to plot besides loss and val_loss (e.g. ["mae"]). */
  metrics?: string[];
  /** Use a logarithmic y axis. */
  logScale?: boolean;
  /** Minimum milliseconds between two progress-bar updates (default 200; the plot redraws at half that rate). */
  throttleMs?: number;
}

let counter = 0;
function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

function progressOutput(
  id: string,
  label: string,
  value: number,
  max: number,
  startedAt: number,
  detail?: string,
): CellOutput {
  const elapsed = (performance.now() - startedAt) / 1000;
  const eta = value > 0 && value < max ? (elapsed / value) * (max - value) : undefined;
  return {
    type: "progress",
    progressId: id,
    label,
    value,
    max,
    ...(eta !== undefined ? { etaSeconds: Math.round(eta * 10) / 10 } : {}),
    ...(detail !== undefined ? { detail } : {}),
  };
}

function fmt(n: number): string {
  return Math.abs(n) >= 0.01 || n === 0 ? n.toFixed(4) : n.toExponential(2);
}

/** What the host lends the helpers: sending pending outputs now, and waiting for a plot's draw. */
export interface OutputHost {
  flush?(): void;
  drawSync?: PlotDrawSync;
}

/** How long a training loop waits at most for the page to draw its live plot. */
const DRAW_WAIT_MS = 250;

export function createOutputApi(tf: Tf, emit: Emit, host: OutputHost = {}) {
  function display(...values: unknown[]): void {
    for (const v of values) emit(displayOutput(tf, v));
  }

  function plot(traces: unknown, layout?: Record<string, unknown>): PlotHandle {
    const plotId = nextId("plot");
    const send = (t: unknown, l?: Record<string, unknown>) =>
      emit({ type: "plot", plotId, traces: normalizeTraces(tf, t), ...(l ? { layout: l } : {}) });
    send(traces, layout);
    let lastLayout = layout;
    return {
      plotId,
      update(t, l) {
        lastLayout = l ?? lastLayout;
        send(t, lastLayout);
      },
    };
  }

  function progress(label: string, max: number): ProgressHandle {
    const progressId = nextId("progress");
    const startedAt = performance.now();
    emit(progressOutput(progressId, label, 0, max, startedAt));
    return {
      progressId,
      update(value, detail) {
        emit(progressOutput(progressId, label, value, max, startedAt, detail));
      },
    };
  }

  /** Callbacks for `model.fit`: a live loss plot and an epoch progress bar with ETA. */
  function trainingCallbacks(options: TrainingCallbackOptions = {}) {
    // 5 progress updates and 2.5 plot redraws per second: smooth enough to watch, and each one
    // costs the page a React render (and a Plotly redraw) on the main thread.
    const throttleMs = options.throttleMs ?? 200;
    const plotId = nextId("plot");
    const progressId = nextId("progress");
    const series = new Map<string, number[]>();
    const epochTimes: number[] = [];
    let epochs = 0;
    let steps = 0;
    let epoch = 0;
    let epochStart = 0;
    let trainStart = 0;
    let lastProgressEmit = -Infinity;
    let lastPlotEmit = -Infinity;
    let lastDetail = "";
    /** Off for the rest of a fit once the page did not answer in time (a hidden tab, say). */
    let waitForDraws = true;

    let yRange: AxisRange | undefined;
    // Fixed axes that only grow (see loss-axis.ts): most redraws then move only the lines.
    const layout = () => ({
      title: { text: options.title ?? "Training loss" },
      xaxis: {
        title: { text: "epoch" },
        ...(epochs > 0 ? { range: epochXRange(epochs), autorange: false } : {}),
      },
      yaxis: {
        title: { text: "loss" },
        type: options.logScale ? "log" : "linear",
        ...(yRange ? { range: yRange, autorange: false } : {}),
      },
    });

    const emitPlot = () => {
      yRange = lossYRange([...series.values()].flat(), options.logScale === true, yRange);
      emit({
        type: "plot",
        plotId,
        traces: [...series.entries()].map(([name, ys]) => ({
          x: ys.map((_, i) => i + 1),
          y: [...ys],
          mode: "lines+markers",
          name,
        })),
        layout: layout(),
      });
    };

    const emitProgress = (done: number) => {
      const perEpoch = epochTimes.length
        ? epochTimes.reduce((a, b) => a + b, 0) / epochTimes.length
        : undefined;
      const elapsed = (performance.now() - trainStart) / 1000;
      const eta =
        done >= epochs
          ? 0
          : perEpoch !== undefined
            ? perEpoch * (epochs - done)
            : done > 0
              ? (elapsed / done) * (epochs - done)
              : undefined;
      const parts = [
        lastDetail,
        perEpoch !== undefined ? `${perEpoch.toFixed(2)} s/epoch` : "",
      ].filter(Boolean);
      emit({
        type: "progress",
        progressId,
        label: `Epoch ${Math.min(epochs, Math.floor(done) + (done >= epochs ? 0 : 1))}/${epochs}`,
        value: Math.min(done, epochs),
        max: Math.max(epochs, 1),
        ...(eta !== undefined ? { etaSeconds: Math.round(eta * 10) / 10 } : {}),
        ...(parts.length ? { detail: parts.join(" · ") } : {}),
      });
    };

    const watched = ["loss", "val_loss", ...(options.metrics ?? [])];

    // Logs hold numbers or (per batch, before tfjs resolves them) scalar tensors.
    const num = (v: unknown): number | undefined => {
      if (typeof v === "number") return v;
      if (v instanceof tf.Tensor && !v.isDisposed && v.size === 1) return v.dataSync()[0];
      return undefined;
    };

    class LiveTrainingCallback extends tf.Callback {
      async onTrainBegin(): Promise<void> {
        const params = this.params as {
          epochs?: number;
          steps?: number;
          samples?: number;
          batchSize?: number;
        };
        epochs = Number(params.epochs ?? 0);
        steps = Number(
          params.steps ??
            (params.samples && params.batchSize ? Math.ceil(params.samples / params.batchSize) : 0),
        );
        trainStart = performance.now();
        series.clear();
        yRange = undefined;
        waitForDraws = true;
        emitProgress(0);
        emitPlot();
        lastProgressEmit = lastPlotEmit = performance.now();
      }
      async onEpochBegin(e: number): Promise<void> {
        epoch = e;
        epochStart = performance.now();
      }
      async onBatchEnd(batch: number, logs?: Record<string, unknown>): Promise<void> {
        const now = performance.now();
        if (now - lastProgressEmit < throttleMs || steps <= 0) return;
        lastProgressEmit = now;
        const loss = num(logs?.loss);
        if (loss !== undefined) lastDetail = `loss ${fmt(loss)}`;
        emitProgress(epoch + Math.min(1, (batch + 1) / steps));
      }
      async onEpochEnd(e: number, logs?: Record<string, unknown>): Promise<void> {
        epochTimes.push((performance.now() - epochStart) / 1000);
        const details: string[] = [];
        for (const key of watched) {
          const v = num(logs?.[key]);
          if (v === undefined) continue;
          const ys = series.get(key) ?? [];
          ys[e] = v;
          series.set(key, ys);
          details.push(`${key} ${fmt(v)}`);
        }
        lastDetail = details.join(" · ");
        const now = performance.now();
        // Separate clocks: frequent batch progress must not starve the per-epoch plot.
        // A Plotly redraw costs the page far more than moving a progress bar: half the rate.
        if (now - lastPlotEmit >= 2 * throttleMs || e + 1 >= epochs) {
          lastPlotEmit = now;
          emitPlot();
          // Let the page draw it with the CPU to itself (see plot-draw-sync.ts).
          if (waitForDraws && host.drawSync?.enabled) {
            host.flush?.();
            waitForDraws = await host.drawSync.wait(plotId, DRAW_WAIT_MS);
          }
        }
        if (now - lastProgressEmit >= throttleMs || e + 1 >= epochs) {
          lastProgressEmit = now;
          emitProgress(e + 1);
        }
      }
      async onTrainEnd(): Promise<void> {
        emitPlot();
        emitProgress(epochs);
      }
    }
    return new LiveTrainingCallback();
  }

  const consoleProxy = {
    log: (...a: unknown[]) =>
      emit({ type: "text", stream: "stdout", text: formatConsoleArgs(tf, a) }),
    info: (...a: unknown[]) =>
      emit({ type: "text", stream: "stdout", text: formatConsoleArgs(tf, a) }),
    debug: (...a: unknown[]) =>
      emit({ type: "text", stream: "stdout", text: formatConsoleArgs(tf, a) }),
    warn: (...a: unknown[]) =>
      emit({ type: "text", stream: "stderr", text: formatConsoleArgs(tf, a) }),
    error: (...a: unknown[]) =>
      emit({ type: "text", stream: "stderr", text: formatConsoleArgs(tf, a) }),
    table: (data: unknown) => display(data),
  };

  return { display, plot, progress, trainingCallbacks, console: consoleProxy };
}

export type OutputApi = ReturnType<typeof createOutputApi>;
