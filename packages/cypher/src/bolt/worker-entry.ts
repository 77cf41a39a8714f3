/**
 * What an engine worker thread runs. The engine is TypeScript: loading it through tsx in every
 * new thread takes seconds on a busy machine, so the worker is bundled once per process with
 * esbuild (≈ 0.3 s) and threads start from plain JavaScript in ≈ 0.1 s. Without esbuild the
 * worker registers tsx itself (engine-worker-boot.mjs).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface WorkerEntry {
  /** The module a `new Worker` loads. */
  url: URL;
  /** Merged into workerData. */
  data: Record<string, unknown>;
}

let bundled: Promise<WorkerEntry> | undefined;

async function bundle(): Promise<WorkerEntry> {
  const source = new URL("./engine-worker.ts", import.meta.url);
  const boot: WorkerEntry = {
    url: new URL("./engine-worker-boot.mjs", import.meta.url),
    data: { entry: source.href, compiled: false },
  };
  try {
    const { build } = await import("esbuild");
    const outfile = join(mkdtempSync(join(tmpdir(), "cypher-engine-")), "engine-worker.mjs");
    await build({
      entryPoints: [fileURLToPath(source)],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      logLevel: "silent",
    });
    return { url: pathToFileURL(outfile), data: {} };
  } catch {
    return boot;
  }
}

export function workerEntry(): Promise<WorkerEntry> {
  if (import.meta.url.endsWith(".js"))
    return Promise.resolve({
      url: new URL("./engine-worker-boot.mjs", import.meta.url),
      data: { entry: new URL("./engine-worker.js", import.meta.url).href, compiled: true },
    });
  bundled ??= bundle();
  return bundled;
}
