/**
 * Starts a TensorFlow.js backend, falling back (requested → wasm → cpu) with a notice the
 * learner can read when one fails. The wasm backend uses the SIMD build without threads: the
 * threaded build hung when bundled by Next (see FACTS.md), and threads need cross-origin
 * isolation we do not want to require.
 */
import type { Tf } from "./format";
import type { Backend } from "./protocol";

export interface BackendChoice {
  backend: Backend;
  notice?: string;
}

export interface BackendOptions {
  /** URL prefix of the .wasm files (browser), e.g. "/tfjs/". Omit in Node (read from node_modules). */
  wasmPath?: string;
  /** > 0: the threaded build with this many threads, where the page is cross-origin isolated. */
  wasmThreads?: number;
}

async function registerBackend(tf: Tf, name: Backend, options: BackendOptions): Promise<void> {
  if (name === "wasm") {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const requested = options.wasmThreads ?? 0;
    const threads = requested > 0 && globalThis.crossOriginIsolated === true ? requested : 0;
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", threads > 0);
    if (threads > 0) wasm.setThreadsCount(threads);
    if (options.wasmPath) {
      const base = options.wasmPath.endsWith("/") ? options.wasmPath : `${options.wasmPath}/`;
      // A file map rather than a prefix, so only the files we serve are ever requested (the
      // threaded build only where threads were asked for: the app does not ship it).
      wasm.setWasmPaths({
        "tfjs-backend-wasm.wasm": `${base}tfjs-backend-wasm.wasm`,
        "tfjs-backend-wasm-simd.wasm": `${base}tfjs-backend-wasm-simd.wasm`,
        "tfjs-backend-wasm-threaded-simd.wasm": `${base}${threads > 0 ? "tfjs-backend-wasm-threaded-simd.wasm" : "tfjs-backend-wasm-simd.wasm"}`,
      });
    }
  } else if (name === "webgpu") {
    await import("@tensorflow/tfjs-backend-webgpu");
  }
  // cpu and webgl come with @tensorflow/tfjs.
}

async function tryBackend(tf: Tf, name: Backend, options: BackendOptions): Promise<string | null> {
  try {
    await registerBackend(tf, name, options);
    if (!tf.findBackendFactory(name)) return "it is not available in this build";
    const ok = await tf.setBackend(name);
    if (!ok) return "it failed to initialize in this browser";
    await tf.ready();
    return tf.getBackend() === name ? null : "it did not become active";
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export async function startBackend(
  tf: Tf,
  requested: Backend,
  options: BackendOptions = {},
): Promise<BackendChoice> {
  const order: Backend[] = [
    requested,
    ...(["wasm", "cpu"] as const).filter((b) => b !== requested),
  ];
  const failures: string[] = [];
  for (const name of order) {
    const reason = await tryBackend(tf, name, options);
    if (reason === null) {
      return name === requested
        ? { backend: name }
        : {
            backend: name,
            notice: `The ${requested} backend could not start (${failures.join("; ")}); using ${name} instead.`,
          };
    }
    failures.push(`${name}: ${reason}`);
  }
  throw new Error(`No TensorFlow.js backend could start: ${failures.join("; ")}`);
}
