"use client";
/**
 * A Plotly figure from a cell (`plot(...)` or the live training loss). Plotly (the cartesian
 * partial bundle) loads at idle on lessons with tfjs cells, or on first use, in small tasks
 * (lib/plotly/load-plotly.ts), behind a placeholder of the final size (no layout shift). A trace
 * type the bundle cannot draw is said in the frame, never a blank figure.
 * Updates arrive often during training: redraws go through Plotly.react at most every
 * REDRAW_MS, always ending on the latest version, one at a time; the first draw is built in
 * steps of one task each (drawFirst), so none is a long task. Colours follow the page's CSS variables,
 * so the figure matches light and dark themes and redraws when the theme changes.
 */
import { useEffect, useRef, useState } from "react";
import type { CellOutput } from "@/lib/notebook/types";
import { drawFirst, loadPlotly, preloadPlotly, type PlotlyApi } from "@/lib/plotly/load-plotly";
import { unsupportedTraceMessage } from "@/lib/plotly/trace-types";
import { isRecord, themedLayout } from "./plot-layout";
import styles from "./plot-output.module.css";

type PlotCellOutput = Extract<CellOutput, { type: "plot" }>;

export interface PlotOutputProps {
  output: PlotCellOutput;
  /** After each draw (a training loop may wait for it). */
  onDrawn?: (output: PlotCellOutput) => void;
}

const REDRAW_MS = 100;
const DEFAULT_HEIGHT = 320;

type FigureKeys = { layoutKey: string; shapeKey: string; xs: unknown[][]; ys: unknown[][] };

/**
 * What must stay the same for a redraw to be only new points (the layout, and each trace
 * without its x and y), and those points. Null when a trace's x or y is not a plain array
 * (restyle needs them).
 */
function figureKeys(traces: PlotCellOutput["traces"], layout: unknown): FigureKeys | null {
  const shapes: unknown[] = [];
  const xs: unknown[][] = [];
  const ys: unknown[][] = [];
  for (const trace of traces) {
    if (!isRecord(trace) || !Array.isArray(trace.x) || !Array.isArray(trace.y)) return null;
    const { x, y, ...rest } = trace;
    shapes.push(rest);
    xs.push(x);
    ys.push(y);
  }
  return { layoutKey: JSON.stringify(layout), shapeKey: JSON.stringify(shapes), xs, ys };
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener("change", bump);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["class", "data-theme", "style"],
    });
    return () => {
      media.removeEventListener("change", bump);
      observer.disconnect();
    };
  }, []);
  return version;
}

export function PlotOutput({ output, onDrawn }: PlotOutputProps) {
  const frameRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const [plotly, setPlotly] = useState<PlotlyApi | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const themeVersion = useThemeVersion();
  const lastDraw = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(output);
  const drawn = useRef<FigureKeys | null>(null);
  /** The element holds a figure (so a draw is an update), and a draw still running. */
  const hasFigure = useRef(false);
  const drawing = useRef<Promise<void> | null>(null);
  const onDrawnRef = useRef(onDrawn);
  useEffect(() => {
    onDrawnRef.current = onDrawn;
  }, [onDrawn]);
  const height = typeof output.layout?.height === "number" ? output.layout.height : DEFAULT_HEIGHT;
  const empty = output.traces.length === 0;
  const unsupported = unsupportedTraceMessage(output.traces);

  useEffect(() => {
    let cancelled = false;
    // Warms Plotly up too when nothing has yet (a page that did not preload it).
    void preloadPlotly();
    loadPlotly().then(
      (p) => !cancelled && setPlotly(() => p),
      (err: unknown) => !cancelled && setFailed(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    latest.current = output;
    const el = plotRef.current;
    const frame = frameRef.current;
    // A figure with no traces yet (a training plot before its first epoch) is not worth a
    // full Plotly draw: the frame keeps its place and says it is waiting.
    if (unsupported) {
      onDrawnRef.current?.(output); // nothing to draw: a training loop must not wait for it
      return;
    }
    if (!plotly || !el || !frame || empty) return;
    const draw = () => {
      timer.current = null;
      // One draw at a time (a first draw takes several tasks): the next one follows it.
      if (drawing.current) {
        timer.current = setTimeout(draw, REDRAW_MS);
        return;
      }
      lastDraw.current = performance.now();
      const theme = {
        fg: cssVar(frame, "--fg", "#1b1f24"),
        muted: cssVar(frame, "--muted", "#57606a"),
        grid: cssVar(frame, "--border", "#d8dee4"),
        accent: cssVar(frame, "--accent", "#0b5cad"),
      };
      const current = latest.current;
      const layout = themedLayout(current.layout, theme, height);
      const next = figureKeys(current.traces, layout);
      // Only the points changed (a live plot with fixed axes): restyle them and skip the diff
      // of everything else. Anything else goes through react.
      const config = { responsive: true, displaylogo: false, displayModeBar: false };
      const update: Promise<unknown> =
        next &&
        drawn.current &&
        next.layoutKey === drawn.current.layoutKey &&
        next.shapeKey === drawn.current.shapeKey
          ? plotly.restyle(el, { x: next.xs, y: next.ys })
          : hasFigure.current
            ? plotly.react(el, current.traces, layout, config)
            : drawFirst(plotly, el, { traces: current.traces, layout }, config);
      drawn.current = next;
      const done: Promise<void> = update
        .then(() => {
          hasFigure.current = true;
          onDrawnRef.current?.(current);
        })
        .catch((err: unknown) => {
          drawn.current = null;
          setFailed(err instanceof Error ? err.message : String(err));
        })
        .finally(() => {
          if (drawing.current === done) drawing.current = null;
        });
      drawing.current = done;
    };
    // Always a task of its own: React's commit and Plotly's redraw each stay short, instead of
    // one long task holding both.
    const wait = Math.max(0, REDRAW_MS - (performance.now() - lastDraw.current));
    timer.current ??= setTimeout(draw, wait);
  }, [plotly, output, empty, unsupported, themeVersion, height]);

  useEffect(() => {
    const el = plotRef.current;
    return () => {
      if (timer.current) clearTimeout(timer.current);
      if (el)
        loadPlotly().then(
          (p) => p.purge(el),
          () => {},
        );
    };
  }, []);

  const title = output.layout?.title;
  const label =
    typeof title === "string"
      ? title
      : isRecord(title) && typeof title.text === "string"
        ? title.text
        : "Plot";
  if (unsupported)
    return (
      <div ref={frameRef} className={styles.frame} style={{ height }}>
        <p className={`${styles.placeholder} ${styles.error}`} role="alert">
          {label}: {unsupported}
        </p>
      </div>
    );
  return (
    <div
      ref={frameRef}
      className={styles.frame}
      style={{ height }}
      role="img"
      aria-label={label}
      aria-busy={!plotly && !failed}
    >
      <div ref={plotRef} className={styles.plot} />
      {(!plotly || failed || empty) && (
        <div className={`${styles.placeholder} ${failed ? styles.error : ""}`}>
          {failed
            ? `The plot could not load: ${failed}`
            : !plotly
              ? "Loading plot…"
              : "Waiting for data…"}
        </div>
      )}
    </div>
  );
}
