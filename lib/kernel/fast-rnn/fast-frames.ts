// tf.nextFrame() — through which model.fit yields every 125 ms whenever callbacks are set (and on
// epoch ends) — waits for requestAnimationFrame when the global has it. A dedicated worker in
// Chromium does, and it fires at the display rate: every yield costs ~16 ms (measured 16.2 ms in
// Chromium 156 vs 0.01 ms in Node, where tfjs falls back to setImmediate). A worker draws nothing,
// so we replace it there with a MessageChannel task: it still yields to the event loop (so the
// worker keeps receiving messages, e.g. a stop request) but resumes at once.
//
// tfjs-core captures requestAnimationFrame when it is first evaluated, so this must run BEFORE
// @tensorflow/tfjs is imported (see fast-frames-install.ts for a side-effect import).

interface FrameScope {
  requestAnimationFrame?: (cb: (time: number) => void) => number;
  cancelAnimationFrame?: (handle: number) => void;
}

function isDedicatedWorker(scope: object): boolean {
  const ctor = (globalThis as { DedicatedWorkerGlobalScope?: new () => unknown })
    .DedicatedWorkerGlobalScope;
  return typeof ctor === "function" && scope instanceof ctor;
}

/** Returns true when it replaced requestAnimationFrame (only ever in a dedicated worker). */
export function installFastFrames(scope: object = globalThis): boolean {
  const s = scope as FrameScope;
  if (!isDedicatedWorker(scope) || typeof s.requestAnimationFrame !== "function") return false;
  if (typeof MessageChannel !== "function") return false;
  const channel = new MessageChannel();
  let queue = new Map<number, (time: number) => void>();
  let next = 1;
  channel.port1.onmessage = () => {
    const due = queue;
    queue = new Map();
    const now = performance.now();
    for (const cb of due.values()) cb(now);
  };
  s.requestAnimationFrame = (cb) => {
    const handle = next++;
    if (queue.size === 0) channel.port2.postMessage(0);
    queue.set(handle, cb);
    return handle;
  };
  s.cancelAnimationFrame = (handle) => {
    queue.delete(handle);
  };
  return true;
}
