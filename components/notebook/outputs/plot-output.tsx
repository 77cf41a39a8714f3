"use client";
/**
 * A Plotly figure from a cell (`plot(...)` or the live training loss). Plotly (~1.4 MB gzip)
 * is imported on first use only, behind a placeholder of the final size (no layout shift).
 * Updates arrive often during training: redraws go through Plotly.react at most every
 * REDRAW_MS, always ending on the latest version. Colours follow the page's CSS variables,
 * so the figure matches light and dark themes and redraws when the theme changes.
 */
import { useEffect, useRef, useState } from "react";
import type { CellOutput } from "@/lib/notebook/types";
import styles from "./plot-output.module.css";

export type PlotCellOutput = Extract<CellOutput, { type: "plot" }>;

export interface PlotOutputProps {
  output: PlotCellOutput;
}

type PlotlyApi = typeof import("plotly.js-dist-min");

const REDRAW_MS = 100;
const DEFAULT_HEIGHT = 320;

let plotlyPromise: Promise<PlotlyApi> | null = null;
function loadPlotly(): Promise<PlotlyApi> {
  plotlyPromise ??= import("plotly.js-dist-min").then((m) => (m as unknown as { default?: PlotlyApi }).default ?? m);
  plotlyPromise.catch(() => {
    plotlyPromise = null; // allow a retry after a failed chunk load
  });
  return plotlyPromise;
}

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Theme colours under the cell's own layout (which wins where it sets something). */
export function themedLayout(layout: Record<string, unknown> | undefined, theme: { fg: string; muted: string; grid: string; accent: string }, height: number) {
  const axis = (own: unknown) => ({
    gridcolor: theme.grid,
    zerolinecolor: theme.grid,
    linecolor: theme.grid,
    tickfont: { color: theme.muted },
    ...(isRecord(own) ? own : {}),
  });
  const title = layout?.title;
  return {
    autosize: true,
    height,
    margin: { l: 56, r: 16, t: 48, b: 44 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { color: theme.fg, family: "system-ui, sans-serif", size: 12 },
    colorway: [theme.accent, "#e8710a", "#1a7f37", "#a142f4", "#d93025", "#12b5cb"],
    legend: { orientation: "h", x: 1, xanchor: "right", y: 1.02, yanchor: "bottom" },
    ...(layout ?? {}),
    title: typeof title === "string" ? { text: title } : title,
    xaxis: axis(layout?.xaxis),
    yaxis: axis(layout?.yaxis),
  };
}

function useThemeVersion(): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener("change", bump);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class", "data-theme", "style"] });
    return () => {
      media.removeEventListener("change", bump);
      observer.disconnect();
    };
  }, []);
  return version;
}

export function PlotOutput({ output }: PlotOutputProps) {
  const frameRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const [plotly, setPlotly] = useState<PlotlyApi | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const themeVersion = useThemeVersion();
  const lastDraw = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(output);
  const height = typeof output.layout?.height === "number" ? output.layout.height : DEFAULT_HEIGHT;

  useEffect(() => {
    let cancelled = false;
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
    if (!plotly || !el || !frame) return;
    const draw = () => {
      timer.current = null;
      lastDraw.current = performance.now();
      const theme = {
        fg: cssVar(frame, "--fg", "#1b1f24"),
        muted: cssVar(frame, "--muted", "#57606a"),
        grid: cssVar(frame, "--border", "#d8dee4"),
        accent: cssVar(frame, "--accent", "#0b5cad"),
      };
      const current = latest.current;
      plotly
        .react(el, current.traces, themedLayout(current.layout, theme, height), { responsive: true, displaylogo: false, displayModeBar: false })
        .catch((err: unknown) => setFailed(err instanceof Error ? err.message : String(err)));
    };
    // Always a task of its own: React's commit and Plotly's redraw each stay short, instead of
    // one long task holding both.
    const wait = Math.max(0, REDRAW_MS - (performance.now() - lastDraw.current));
    timer.current ??= setTimeout(draw, wait);
  }, [plotly, output, themeVersion, height]);

  useEffect(() => {
    const el = plotRef.current;
    return () => {
      if (timer.current) clearTimeout(timer.current);
      if (el && plotlyPromise) plotlyPromise.then((p) => p.purge(el), () => {});
    };
  }, []);

  const title = output.layout?.title;
  const label = typeof title === "string" ? title : isRecord(title) && typeof title.text === "string" ? title.text : "Plot";
  return (
    <div ref={frameRef} className={styles.frame} style={{ height }} role="img" aria-label={label} aria-busy={!plotly && !failed}>
      <div ref={plotRef} className={styles.plot} />
      {!plotly && (
        <div className={`${styles.placeholder} ${failed ? styles.error : ""}`}>
          {failed ? `The plot could not load: ${failed}` : "Loading plot…"}
        </div>
      )}
    </div>
  );
}
