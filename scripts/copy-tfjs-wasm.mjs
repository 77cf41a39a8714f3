#!/usr/bin/env node
/**
 * Build-time copy of TensorFlow.js assets into public/tfjs/ (gitignored, never committed):
 *  - the wasm backend binaries (SIMD and plain; the threaded build is not used, see FACTS.md),
 *    so the kernel loads them from our own origin, never from a CDN;
 *  - tfjs-types.json: the .d.ts files of @tensorflow/* for the editor's autocomplete, fetched
 *    only when Monaco loads (kept out of the lesson page's JavaScript).
 * Run before `next build` / `next dev` / `next start`: `node scripts/copy-tfjs-wasm.mjs`.
 */
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, "public", "tfjs");
const require = createRequire(import.meta.url);

const WASM_FILES = ["tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm.wasm"];

/** Packages whose full typings the editor gets; the backends only re-export internals. */
const TYPED_PACKAGES = ["tfjs", "tfjs-core", "tfjs-layers", "tfjs-converter", "tfjs-data"];
const INDEX_ONLY_PACKAGES = ["tfjs-backend-cpu", "tfjs-backend-webgl"];

function packageDir(name) {
  return path.dirname(require.resolve(`@tensorflow/${name}/package.json`));
}

async function listDts(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listDts(full)));
    else if (entry.name.endsWith(".d.ts") && !entry.name.endsWith("_test.d.ts")) out.push(full);
  }
  return out;
}

/** Drops the Apache license banner each file repeats; keeps the doc comments for hovers. */
function stripLicense(text) {
  return text.replace(/^\/\*\*?\s*\n\s*\*\s*@license[\s\S]*?\*\/\s*/, "");
}

async function buildTypes() {
  const files = {};
  const add = async (pkg, file) => {
    const dir = packageDir(pkg);
    const rel = path.relative(dir, file).split(path.sep).join("/");
    files[`file:///node_modules/@tensorflow/${pkg}/${rel}`] = stripLicense(
      await readFile(file, "utf8"),
    );
  };
  for (const pkg of TYPED_PACKAGES) {
    for (const file of await listDts(path.join(packageDir(pkg), "dist"))) await add(pkg, file);
  }
  for (const pkg of INDEX_ONLY_PACKAGES)
    await add(pkg, path.join(packageDir(pkg), "dist", "index.d.ts"));
  // Let the TypeScript worker resolve bare `@tensorflow/<pkg>` imports without package.json.
  for (const pkg of [...TYPED_PACKAGES, ...INDEX_ONLY_PACKAGES]) {
    files[`file:///node_modules/@tensorflow/${pkg}/index.d.ts`] = 'export * from "./dist/index";\n';
  }
  const version = JSON.parse(
    await readFile(path.join(packageDir("tfjs"), "package.json"), "utf8"),
  ).version;
  return { version, files };
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const wasmDir = path.join(packageDir("tfjs-backend-wasm"), "dist");
  let wasmBytes = 0;
  for (const name of WASM_FILES) {
    await copyFile(path.join(wasmDir, name), path.join(outDir, name));
    wasmBytes += (await stat(path.join(outDir, name))).size;
  }
  const types = await buildTypes();
  const json = JSON.stringify(types);
  await writeFile(path.join(outDir, "tfjs-types.json"), json);
  console.log(
    JSON.stringify({
      out: path.relative(root, outDir),
      wasmFiles: WASM_FILES.length,
      wasmBytes,
      typeFiles: Object.keys(types.files).length,
      typesBytes: json.length,
    }),
  );
}

main().catch((err) => {
  console.error(`copy-tfjs-wasm: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
