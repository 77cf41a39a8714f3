/**
 * One kernel per open lesson: asking for another lesson's kernel disposes the previous one, so
 * a tab never keeps two workers (and two copies of TensorFlow.js) alive. The learner's backend
 * and fast-RNN choices are remembered in localStorage.
 */
import { KernelClient } from "@/lib/kernel/kernel-client";
import { backendSchema, type Backend } from "@/lib/kernel/protocol";

const BACKEND_KEY = "courses.kernel.backend";
const FAST_RNN_KEY = "courses.kernel.fastRnn";

let current: { lessonKey: string; kernel: KernelClient } | null = null;

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null; // storage disabled (privacy mode): fall back to defaults
  }
}

function preferredBackend(): Backend {
  const parsed = backendSchema.safeParse(storage()?.getItem(BACKEND_KEY));
  return parsed.success ? parsed.data : "wasm";
}

function preferredFastRnn(): boolean {
  return storage()?.getItem(FAST_RNN_KEY) !== "false";
}

export function rememberBackend(backend: Backend): void {
  storage()?.setItem(BACKEND_KEY, backend);
}

export function rememberFastRnn(enabled: boolean): void {
  storage()?.setItem(FAST_RNN_KEY, String(enabled));
}

/** The kernel of this lesson, created on first use (the worker starts on the first run). */
export function getKernel(lessonKey: string): KernelClient {
  if (current?.lessonKey === lessonKey) return current.kernel;
  current?.kernel.dispose();
  const kernel = new KernelClient({ backend: preferredBackend(), fastRnn: preferredFastRnn() });
  current = { lessonKey, kernel };
  return kernel;
}

/** The lesson's kernel if it has one already (never starts one). */
export function existingKernel(lessonKey: string): KernelClient | null {
  return current?.lessonKey === lessonKey ? current.kernel : null;
}
