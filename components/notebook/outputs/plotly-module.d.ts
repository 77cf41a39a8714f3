// plotly.js-dist-min ships no typings; these are the few calls the plot output makes.
declare module "plotly.js-dist-min" {
  export function react(
    root: HTMLElement,
    data: unknown[],
    layout?: Record<string, unknown>,
    config?: Record<string, unknown>,
  ): Promise<unknown>;
  export function purge(root: HTMLElement): void;
  const Plotly: { react: typeof react; purge: typeof purge };
  export default Plotly;
}
