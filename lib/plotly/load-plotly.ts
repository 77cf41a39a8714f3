/**
 * Loads Plotly on the page without one long main-thread task (issue 17: none > 50 ms from
 * navigation through the first training run).
 *
 * 1. A `<script async>` of the same-origin stepped bundle (plotly-script.ts): Chromium streams and
 *    compiles it off the main thread; evaluating it only defines Plotly's modules.
 * 2. The modules' bodies run a few at a time, each slice a task of its own at background priority
 *    (clicks and typing go first).
 * 3. A warm-up draws a live-training-like figure off screen in four steps, one task each, so
 *    Plotly's first draws (cold code) do not land while the learner watches the loss go down.
 *
 * `preloadPlotly()` runs all three at idle on lessons with tfjs cells; `loadPlotly()` is what a plot
 * output awaits. Performance marks (`plotly:*`) let tests and profiles see when each phase ran.
 */
// A pure layout module beside the plot output: the warm-up must draw what the output draws.
import { themedLayout } from "@/components/notebook/outputs/plot-layout";
import { PLOTLY_GLOBAL, PLOTLY_SCRIPT_URL } from "./plotly-script";

export type PlotlyApi = typeof import("plotly.js-cartesian-dist-min").default;

interface SteppedPlotly {
  steps: (() => unknown)[];
  finish: () => PlotlyApi;
}

/** Main-thread time per slice of module evaluation (4× CPU throttling keeps it under 50 ms). */
const SLICE_MS = 8;

type PostTask = (cb: () => void, options: { priority: "background" | "user-visible" }) => unknown;

/** Resolves in a later task, after input and rendering work the page has waiting. */
function nextTask(priority: "background" | "user-visible" = "background"): Promise<void> {
  const postTask = (globalThis as { scheduler?: { postTask?: PostTask } }).scheduler?.postTask;
  return new Promise((resolve) => {
    if (postTask)
      void postTask.call((globalThis as { scheduler?: unknown }).scheduler, resolve, {
        priority,
      });
    else setTimeout(resolve, 0);
  });
}

function mark(name: string): void {
  performance.mark(`plotly:${name}`);
}

/** Each main-thread task of the loader, as a `plotly:task` measure (tests check their length). */
function measureTask(start: number): void {
  performance.measure("plotly:task", { start, end: performance.now() });
}

function injectScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.async = true;
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => {
      script.remove();
      reject(new Error("the plotting library could not be downloaded (check your connection)"));
    };
    document.head.append(script);
  });
}

function isStepped(x: unknown): x is SteppedPlotly {
  return (
    typeof x === "object" &&
    x !== null &&
    Array.isArray((x as SteppedPlotly).steps) &&
    typeof (x as SteppedPlotly).finish === "function"
  );
}

async function evaluateInSlices(bundle: SteppedPlotly): Promise<PlotlyApi> {
  let sliceStart = performance.now();
  for (const step of bundle.steps) {
    step();
    if (performance.now() - sliceStart > SLICE_MS) {
      measureTask(sliceStart);
      await nextTask();
      sliceStart = performance.now();
    }
  }
  measureTask(sliceStart);
  await nextTask();
  const finishStart = performance.now();
  const plotly = bundle.finish();
  measureTask(finishStart);
  return plotly;
}

let plotlyPromise: Promise<PlotlyApi> | null = null;

/** Plotly, loaded once per page (a failed download may be retried). */
export function loadPlotly(): Promise<PlotlyApi> {
  if (!plotlyPromise) {
    plotlyPromise = (async () => {
      mark("load-start");
      const global = globalThis as Record<string, unknown>;
      if (!isStepped(global[PLOTLY_GLOBAL])) await injectScript(PLOTLY_SCRIPT_URL);
      const bundle = global[PLOTLY_GLOBAL];
      if (!isStepped(bundle)) throw new Error("the plotting library did not start");
      const plotly = await evaluateInSlices(bundle);
      mark("evaluated");
      return plotly;
    })();
    plotlyPromise.catch(() => {
      plotlyPromise = null;
    });
  }
  return plotlyPromise;
}

/**
 * The warm-up's figure: the live training plot's own shape (lib/kernel/output-api.ts
 * trainingCallbacks), two line+marker traces with a legend, titles and fixed axes, in the page's
 * theme through the same themedLayout, so the warm-up runs the very code paths of its redraws.
 */
function warmUpFigure(points: number) {
  const traces = ["loss", "val_loss"].map((name, k) => ({
    x: Array.from({ length: points }, (_, i) => i + 1),
    y: Array.from({ length: points }, (_, i) => 1 / (i + k + 2)),
    mode: "lines+markers",
    name,
  }));
  const root = getComputedStyle(document.documentElement);
  const color = (name: string, fallback: string) => root.getPropertyValue(name).trim() || fallback;
  const layout = themedLayout(
    {
      title: { text: "Training loss" },
      xaxis: { title: { text: "epoch" }, range: [0.5, 20.5], autorange: false },
      yaxis: { title: { text: "loss" }, type: "linear", range: [0, 1], autorange: false },
    },
    {
      fg: color("--fg", "#1b1f24"),
      muted: color("--muted", "#57606a"),
      grid: color("--border", "#d8dee4"),
      accent: color("--accent", "#0b5cad"),
    },
    320,
  );
  return { traces, layout };
}

type Figure = { traces: unknown[]; layout: Record<string, unknown> };
type DrawConfig = Parameters<PlotlyApi["react"]>[3];

/**
 * The first draw of a figure into an element, in three tasks: an empty figure, then its axes,
 * titles and legend, then the traces. Built in one `react`, a training plot took 60–76 ms of one
 * main-thread task here (Chromium 156.0.8078.114), over the 50 ms budget; each step is a fraction
 * of it. Later draws of the same element are updates and stay one task.
 */
export async function drawFirst(
  plotly: PlotlyApi,
  el: HTMLElement,
  { traces, layout }: Figure,
  config: DrawConfig,
  priority: "background" | "user-visible" = "user-visible",
  onStep: (start: number) => void = () => undefined,
): Promise<void> {
  const height = typeof layout.height === "number" ? layout.height : 320;
  const steps = [
    () => plotly.react(el, [], { height }, config),
    () => plotly.react(el, [], { ...layout, showlegend: true }, config),
    () => plotly.react(el, traces as Parameters<PlotlyApi["react"]>[1], layout, config),
  ];
  for (const [i, step] of steps.entries()) {
    if (i > 0) await nextTask(priority);
    const start = performance.now();
    // The step's task is its synchronous part; its promise may settle tasks later (others' time).
    const drawn = step();
    onStep(start);
    await drawn;
  }
}

async function warmUp(plotly: PlotlyApi): Promise<void> {
  const el = document.createElement("div");
  el.setAttribute("aria-hidden", "true");
  el.style.cssText =
    "position:fixed;left:-10000px;top:0;width:640px;height:320px;visibility:hidden;contain:strict";
  document.body.append(el);
  const config = { responsive: true, displaylogo: false, displayModeBar: false };
  const { traces, layout } = warmUpFigure(2);
  const later = warmUpFigure(3).traces;
  // Each step is one task of its own: an empty figure, its axes and titles, the traces, new points.
  try {
    await nextTask();
    await drawFirst(plotly, el, { traces, layout }, config, "background", measureTask);
    await nextTask();
    const start = performance.now();
    const moved = plotly.restyle(el, { x: later.map((t) => t.x), y: later.map((t) => t.y) });
    measureTask(start);
    await moved;
  } catch {
    // Only a warm-up: a real draw reports its own errors.
  } finally {
    await nextTask();
    plotly.purge(el);
    el.remove();
    mark("warm");
  }
}

let warmPromise: Promise<void> | null = null;

/** Loads and warms Plotly in the background; never rejects. */
export function preloadPlotly(): Promise<void> {
  warmPromise ??= loadPlotly().then(warmUp, () => {
    warmPromise = null; // a plot's own load will say what went wrong
  });
  return warmPromise;
}
