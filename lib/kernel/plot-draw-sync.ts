/**
 * Lets a training loop in the kernel worker hand the CPU to the page while it draws a live
 * plot. On a 2-core machine the worker keeps one core busy; Plotly's redraw on the main thread
 * then competes with the browser's own threads and ran 50–130 ms. Waiting in the training
 * callback until the page says "drawn" (or `maxMs` passed) costs training a few per cent and
 * keeps every redraw short (docs/benchmarks/train.md).
 *
 * The page acknowledges through the runtime contract: PlotOutput reports the drawn plot to the
 * notebook, which calls the tfjs runtime's `outputShown`, and the kernel client sends the
 * worker a `plot-drawn` message.
 */

export class PlotDrawSync {
  /** True once the host said it acknowledges draws (the browser kernel; never in Node). */
  enabled = false;
  private readonly waiters = new Map<string, () => void>();

  /** Resolves true when `plotId` is drawn, false after `maxMs` (or at once when disabled). */
  wait(plotId: string, maxMs: number): Promise<boolean> {
    if (!this.enabled) return Promise.resolve(false);
    this.waiters.get(plotId)?.();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(plotId);
        resolve(false);
      }, maxMs);
      this.waiters.set(plotId, () => {
        clearTimeout(timer);
        this.waiters.delete(plotId);
        resolve(true);
      });
    });
  }

  drawn(plotId: string): void {
    this.waiters.get(plotId)?.();
  }
}
