/**
 * Gives Monaco's JavaScript service the TensorFlow.js typings and the kernel's output API, so
 * tfjs cells get autocomplete and hovers. The typings (~1.4 MB, ~260 KB gzip) are a static
 * asset written by scripts/copy-tfjs-wasm.mjs and fetched only when the editor loads.
 * Each cell is a script in one shared global scope for the language service, which is how the
 * kernel behaves too: names from earlier cells autocomplete in later ones.
 */
import type * as MonacoTypes from "monaco-editor";
import { z } from "zod";
import { KERNEL_API_DTS } from "@/lib/kernel/kernel-api-dts";

const TFJS_TYPES_URL = "/tfjs/tfjs-types.json";

const typesAssetSchema = z.object({ version: z.string(), files: z.record(z.string(), z.string()) });

/** Diagnostics that are wrong for notebook cells. */
const IGNORED_DIAGNOSTICS = [
  1375, // 'await' at top level only in modules: cells allow top-level await
  1378, // top-level await needs module/target options: same
  2451, // cannot redeclare block-scoped variable: re-running or redefining across cells is fine
  2300, // duplicate identifier: same
  2393, // duplicate function implementation: same
  1108, // 'return' outside a function is reported by the kernel with a clearer message
];

const configured = new WeakMap<object, Promise<void>>();

export function configureTfjsEditor(
  monaco: typeof MonacoTypes,
  typesUrl: string = TFJS_TYPES_URL,
): Promise<void> {
  const existing = configured.get(monaco);
  if (existing) return existing;
  const done = configure(monaco, typesUrl);
  configured.set(monaco, done);
  return done;
}

async function configure(monaco: typeof MonacoTypes, typesUrl: string): Promise<void> {
  const ts = monaco.typescript;
  const js = ts.javascriptDefaults;
  js.setCompilerOptions({
    ...js.getCompilerOptions(),
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    allowJs: true,
    allowNonTsExtensions: true,
    checkJs: false,
    lib: ["esnext", "webworker"],
  });
  js.setDiagnosticsOptions({
    ...js.getDiagnosticsOptions(),
    diagnosticCodesToIgnore: [
      ...(js.getDiagnosticsOptions().diagnosticCodesToIgnore ?? []),
      ...IGNORED_DIAGNOSTICS,
    ],
  });
  js.setEagerModelSync(true);
  js.addExtraLib(KERNEL_API_DTS, "file:///kernel/notebook-api.d.ts");
  try {
    const res = await fetch(typesUrl);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const asset = typesAssetSchema.parse(await res.json());
    const libs = Object.entries(js.getExtraLibs()).map(([filePath, lib]) => ({
      filePath,
      content: lib.content,
    }));
    for (const [filePath, content] of Object.entries(asset.files)) libs.push({ filePath, content });
    // One update instead of ~800: each addExtraLib would resync the TypeScript worker.
    js.setExtraLibs(libs);
  } catch (err) {
    // Autocomplete for `tf` is a help, not a requirement: the editor works without it.
    console.warn(
      `TensorFlow.js typings could not load from ${typesUrl}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
