/**
 * The trace types the served Plotly bundle can draw (the official cartesian partial bundle). A
 * figure with any other type must say so instead of drawing a blank frame.
 */
import { isRecord } from "@/components/notebook/outputs/plot-layout";

export const SUPPORTED_TRACE_TYPES = [
  "bar",
  "box",
  "contour",
  "heatmap",
  "histogram",
  "histogram2d",
  "histogram2dcontour",
  "image",
  "pie",
  "scatter",
  "scatterternary",
  "violin",
] as const;

const supported = new Set<string>(SUPPORTED_TRACE_TYPES);

/** A learner-facing message for the first trace whose type cannot be drawn, or null. */
export function unsupportedTraceMessage(traces: readonly unknown[]): string | null {
  for (const [i, trace] of traces.entries()) {
    // Plotly's default type is scatter.
    const type = isRecord(trace) && trace.type !== undefined ? trace.type : "scatter";
    if (typeof type === "string" && supported.has(type)) continue;
    const shown = typeof type === "string" ? `"${type}"` : JSON.stringify(type);
    return (
      `Trace ${i + 1} has type ${shown}, which plots in this notebook cannot draw. ` +
      `Supported types: ${SUPPORTED_TRACE_TYPES.join(", ")}.`
    );
  }
  return null;
}
