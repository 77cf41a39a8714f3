/**
 * Axis ranges for the live training plot. Fixed ranges that only grow keep each redraw to the
 * traces: with autorange, every new point would make Plotly re-measure and redraw both axes,
 * the costliest part of a redraw on the main thread. Pure.
 */

/** The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ x (x > 0). */
export function niceCeil(x: number): number {
  const power = 10 ** Math.floor(Math.log10(x));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * power;
    // Tolerate floating-point noise: 0.30000000000000004 is 0.3.
    if (candidate >= x * (1 - 1e-12)) return candidate;
  }
  return 10 * power;
}

export type AxisRange = [number, number];

/**
 * y range for the losses seen so far: [0, a nice bound above the largest] on a linear axis,
 * whole decades on a log axis (in log10 units, as Plotly takes them). It keeps `previous` while
 * that still holds every value, so the axis moves only when a loss leaves it. Undefined until
 * there is a finite value (Plotly then autoranges).
 */
export function lossYRange(
  values: readonly number[],
  log: boolean,
  previous?: AxisRange,
): AxisRange | undefined {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (finite.length === 0) return previous;
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (log) {
    const low = Math.log10(min);
    const high = Math.log10(max);
    if (previous && previous[0] <= low && previous[1] >= high) return previous;
    const bottom = Math.floor(low);
    return [bottom + 0, Math.max(Math.ceil(high), bottom + 1) + 0]; // + 0: no -0
  }
  if (previous && previous[0] <= min && previous[1] >= max) return previous;
  const top = max > 0 ? niceCeil(max * 1.05) : 1;
  const bottom = min >= 0 ? 0 : -niceCeil(-min * 1.05);
  return [bottom, top];
}

/** x range for `epochs` epochs numbered from 1, with half an epoch of room at each end. */
export function epochXRange(epochs: number): AxisRange {
  return [0.5, Math.max(1, epochs) + 0.5];
}
