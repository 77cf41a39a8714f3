// plotly.js-cartesian-dist-min ships no typings; these are the few calls the plot output makes.
// The page loads the bundle as a script (lib/plotly/load-plotly.ts); this module is types only.
declare module "plotly.js-cartesian-dist-min" {
  export function react(
    root: HTMLElement,
    data: unknown[],
    layout?: Record<string, unknown>,
    config?: Record<string, unknown>,
  ): Promise<unknown>;
  export function purge(root: HTMLElement): void;
  /** Sets trace attributes; an array value holds one entry per trace. */
  export function restyle(root: HTMLElement, update: Record<string, unknown[]>): Promise<unknown>;
  const Plotly: { react: typeof react; purge: typeof purge; restyle: typeof restyle };
  export default Plotly;
}
