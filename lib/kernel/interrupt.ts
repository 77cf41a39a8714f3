/**
 * Interrupt without losing the kernel's state. The page and the kernel worker share one
 * Int32 in a SharedArrayBuffer (only available when the page is cross-origin isolated): the page
 * sets it, and the cell's code, compiled with a check at every loop body and resumed `await`
 * (scope-transform.ts), throws a KeyboardInterrupt at the next check, as does `model.fit` at the
 * next batch. The page clears the flag just before it sends the next run, so code of the
 * interrupted run that is still pending (a timer, an unawaited fit) stops too.
 */
import type { InterruptCheck } from "./cell-function";
import type { Tf } from "./format";

const INTERRUPT_MESSAGE = "Interrupted: your variables are kept.";

export class KeyboardInterrupt extends Error {
  constructor() {
    super(INTERRUPT_MESSAGE);
    this.name = "KeyboardInterrupt";
  }
}

/** True when `buffer` can carry the flag (a SharedArrayBuffer exists and this is one). */
export function isSharedBuffer(buffer: unknown): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer === "function" && buffer instanceof SharedArrayBuffer;
}

/** The shared flag: one Int32, 0 = run on, 1 = interrupt requested. */
export class InterruptFlag {
  readonly buffer: SharedArrayBuffer;
  private readonly view: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.buffer = buffer;
    this.view = new Int32Array(buffer, 0, 1);
  }

  /** A new flag, or null where shared memory is not available (a page that is not isolated). */
  static create(): InterruptFlag | null {
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    if (isolated !== true || typeof SharedArrayBuffer !== "function") return null;
    return new InterruptFlag();
  }

  get requested(): boolean {
    return Atomics.load(this.view, 0) !== 0;
  }

  request(): void {
    Atomics.store(this.view, 0, 1);
  }

  clear(): void {
    Atomics.store(this.view, 0, 0);
  }
}

/** What the executor knows about one run, read by that run's check. */
export interface RunInterruptState {
  /** The run was reported interrupted while its code still waited on something. */
  abandoned: boolean;
}

/**
 * The check a run's compiled code calls. `flag()` is read at every call so a flag handed over
 * later (the worker's init) applies to cells compiled before it.
 */
export function createInterruptCheck(
  flag: () => InterruptFlag | null,
  run: RunInterruptState,
): InterruptCheck {
  const check = (value?: unknown) => {
    if (flag()?.requested) throw new KeyboardInterrupt();
    return value;
  };
  return Object.assign(check, {
    top: (value?: unknown) => {
      if (run.abandoned) throw new KeyboardInterrupt();
      return check(value);
    },
  });
}

/** The training check of the newest executor per tfjs instance (one engine, one kernel). */
const trainingChecks = new WeakMap<object, () => void>();

/**
 * Makes every `model.fit` / `fitDataset` check the flag after each batch and epoch: a callback
 * registered at verbosity 0 is added to every fit (tfjs-layers' CallbackConstructorRegistry).
 * fit cleans up (isTraining, its tensors) when a callback throws. Registered once per tfjs
 * instance; a later call replaces the check.
 */
export function installTrainingInterruptCheck(tf: Tf, check: () => void): void {
  const registered = trainingChecks.has(tf);
  trainingChecks.set(tf, check);
  if (registered) return;
  const current = () => trainingChecks.get(tf)?.();
  class InterruptCallback extends tf.Callback {
    override async onBatchEnd(): Promise<void> {
      current();
    }
    override async onEpochEnd(): Promise<void> {
      current();
    }
  }
  tf.registerCallbackConstructor(0, InterruptCallback);
}
