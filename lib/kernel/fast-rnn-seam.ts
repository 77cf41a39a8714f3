/**
 * The one place the kernel switches tfjs-layers' recurrent layers to the fast implementation
 * in lib/kernel/fast-rnn (owned by its own issue). Loaded lazily so a kernel started with
 * `fastRnn: false` runs stock tfjs code only.
 */
import type { Tf } from "./format";

export interface FastRnnState {
  installed: boolean;
  /** Why it is not installed when it was asked for. */
  notice?: string;
}

export async function applyFastRnn(tf: Tf, enabled: boolean): Promise<FastRnnState> {
  if (!enabled) return { installed: false };
  try {
    const { installFastRecurrentLayers } = await import("./fast-rnn/index");
    installFastRecurrentLayers(tf);
    return { installed: true };
  } catch (err) {
    return {
      installed: false,
      notice: `Fast recurrent layers are off: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
