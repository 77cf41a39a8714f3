// The layout a cell's Plotly figure is drawn with: the page's theme under the cell's own layout.
// Pure (no DOM), so scripts can build the same layout.

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Theme colours under the cell's own layout (which wins where it sets something). */
export function themedLayout(
  layout: Record<string, unknown> | undefined,
  theme: { fg: string; muted: string; grid: string; accent: string },
  height: number,
) {
  const axis = (own: unknown) => ({
    gridcolor: theme.grid,
    zerolinecolor: theme.grid,
    linecolor: theme.grid,
    tickfont: { color: theme.muted },
    // Plotly's default ("hide past div") measures every tick label once per label drawn: the
    // costliest part of a redraw (docs/benchmarks/train.md). Margins fit them.
    ticklabeloverflow: "allow",
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
