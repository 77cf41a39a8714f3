// Engine worker entry: the engine is TypeScript, so register tsx in this thread (loader hooks are
// per thread) and then load the worker proper, whose URL the pool passes in workerData.
import { workerData } from "node:worker_threads";

if (!workerData.compiled) {
  const { register } = await import("tsx/esm/api");
  register();
}
await import(workerData.entry);
