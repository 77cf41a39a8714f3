/**
 * `npm run bench:train -- [--json] [--impl stock|fast|both] [--backends wasm,cpu] [--models lstm,gru,simpleRNN] [--epochs 5] [--wasm-threads N]`
 *
 * Trains the reference task (bench/reference-task.ts) in headless Chromium through the
 * production kernel: lib/kernel's worker and client bundled with esbuild, served with the wasm
 * binaries from node_modules by a throwaway local server. Prints one JSON line per
 * implementation × backend × model. When Debian's PyTorch is installed (/usr/bin/python3), the
 * same task runs in PyTorch on the CPU in the same run, with 1 and then 2 threads, and a ratio
 * line follows each result for each.
 */
import { build } from "esbuild";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium } from "@playwright/test";
import { BENCH_MODELS, TASK, type BenchModel } from "./reference-task";
import type { BenchRequest, BenchResponse } from "../bench/bench-page";
import { BACKENDS, type Backend } from "../lib/kernel/protocol";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const run = promisify(execFile);

interface Args {
  json: boolean;
  impls: ("stock" | "fast")[];
  backends: Backend[];
  models: BenchModel[];
  epochs: number;
  torch: boolean;
  wasmThreads: number;
}

function parseArgs(argv: string[]): Args {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const impl = value("--impl") ?? "both";
  if (!["stock", "fast", "both"].includes(impl))
    throw new Error(`--impl must be stock, fast or both (got ${impl})`);
  const backends = (value("--backends") ?? "wasm,cpu").split(",").filter(Boolean);
  for (const b of backends)
    if (!(BACKENDS as readonly string[]).includes(b)) throw new Error(`unknown backend ${b}`);
  const models = (value("--models") ?? BENCH_MODELS.join(",")).split(",").filter(Boolean);
  for (const m of models)
    if (!(BENCH_MODELS as string[]).includes(m)) throw new Error(`unknown model ${m}`);
  const epochs = Number(value("--epochs") ?? 5);
  const wasmThreads = Number(value("--wasm-threads") ?? 0);
  if (!Number.isInteger(wasmThreads) || wasmThreads < 0)
    throw new Error("--wasm-threads must be a whole number");
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new Error("--epochs must be a positive integer");
  return {
    json: argv.includes("--json"),
    impls: impl === "both" ? ["stock", "fast"] : [impl as "stock" | "fast"],
    backends: backends as Backend[],
    models: models as BenchModel[],
    epochs,
    wasmThreads,
    torch: !argv.includes("--no-torch"),
  };
}

async function bundle(outdir: string): Promise<void> {
  await build({
    entryPoints: {
      "bench-page": path.join(root, "bench/bench-page.ts"),
      worker: path.join(root, "lib/kernel/worker.ts"),
    },
    bundle: true,
    format: "esm",
    splitting: true,
    platform: "browser",
    target: "es2022",
    minify: true,
    outdir,
    alias: { "@": root },
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "error",
  });
}

const TYPES: Record<string, string> = {
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html",
};

/** Cross-origin isolated, as lesson pages are: SharedArrayBuffer, so the threaded build can run. */
const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
};

/** The .wasm files the page fetched: says which tfjs build (plain, SIMD, threaded) really ran. */
const wasmServed = new Set<string>();

function serve(outdir: string): Promise<{ server: Server; origin: string }> {
  const wasmDir = path.join(
    path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")),
    "dist",
  );
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const file =
      url.pathname === "/"
        ? null
        : url.pathname.startsWith("/tfjs/")
          ? path.join(wasmDir, path.basename(url.pathname))
          : path.join(outdir, path.basename(url.pathname));
    if (file?.endsWith(".wasm")) wasmServed.add(path.basename(file));
    if (!file) {
      res.writeHead(200, { "content-type": "text/html", ...ISOLATION });
      res.end(
        '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench-page.js"></script>',
      );
      return;
    }
    readFile(file).then(
      (body) => {
        res.writeHead(200, {
          "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
          ...ISOLATION,
        });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      resolve({
        server,
        origin: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`,
      });
    }),
  );
}

interface TorchLine {
  model: string;
  secPerEpoch: number;
  threads: number;
  torch: string;
}

async function runTorch(
  models: BenchModel[],
  epochs: number,
  threads: number,
): Promise<TorchLine[] | string> {
  try {
    await run("/usr/bin/python3", ["-c", "import torch"], { timeout: 60_000 });
  } catch {
    return "PyTorch not found at /usr/bin/python3: skipped";
  }
  const { stdout } = await run(
    "/usr/bin/python3",
    [
      path.join(root, "bench/torch_rnn.py"),
      "--models",
      models.join(","),
      "--epochs",
      String(epochs),
      "--threads",
      String(threads),
    ],
    { timeout: 600_000 },
  );
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as TorchLine);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: object, human: string) =>
    console.log(args.json ? JSON.stringify(line) : human);
  const outdir = await mkdtemp(path.join(os.tmpdir(), "bench-train-"));
  await bundle(outdir);
  const { server, origin } = await serve(outdir);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  const results: { model: BenchModel; backend: Backend; impl: string; secPerEpoch: number }[] = [];
  try {
    const page = await browser.newPage();
    page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
    await page.goto(origin);
    await page.waitForFunction(() => document.title === "bench ready");
    for (const impl of args.impls) {
      for (const backend of args.backends) {
        for (const model of args.models) {
          const req: BenchRequest = {
            model,
            backend,
            fastRnn: impl === "fast",
            epochs: args.epochs,
            wasmThreads: backend === "wasm" ? args.wasmThreads : 0,
          };
          const res = (await page.evaluate(
            (r) =>
              (
                globalThis as unknown as { runBench: (r: BenchRequest) => Promise<BenchResponse> }
              ).runBench(r),
            req,
          )) as BenchResponse;
          if (!res.ok || res.secPerEpoch === undefined) {
            log(
              { model, backend, impl, error: res.error },
              `${impl} ${backend} ${model}: FAILED ${res.error}`,
            );
            continue;
          }
          const line = {
            model,
            backend,
            impl,
            secPerEpoch: Number(res.secPerEpoch.toFixed(4)),
            ...TASK,
            activeBackend: res.backend,
            wasmThreads: req.wasmThreads,
            finalLoss: res.finalLoss,
            mainThreadLongTasks: res.longTasks,
            longestMainThreadTaskMs: Math.round(res.longestTaskMs),
          };
          results.push({ model, backend, impl, secPerEpoch: line.secPerEpoch });
          log(
            line,
            `${impl.padEnd(5)} ${backend.padEnd(6)} ${model.padEnd(9)} ${line.secPerEpoch.toFixed(3)} s/epoch (main-thread long tasks: ${res.longTasks})`,
          );
        }
      }
    }
  } finally {
    await browser.close();
    server.close();
    log({ wasmFiles: [...wasmServed] }, `wasm files served: ${[...wasmServed].join(", ")}`);
    await rm(outdir, { recursive: true, force: true });
  }
  if (!args.torch) return;
  // PyTorch with 1 intra-op thread (the kernel's worker is one thread), then with 2 (all cores).
  for (const threads of [1, 2]) {
    const torch = await runTorch(args.models, args.epochs, threads);
    if (typeof torch === "string") {
      log({ torch: "skipped", reason: torch }, torch);
      return;
    }
    for (const t of torch) {
      log(
        {
          model: t.model,
          backend: "torch-cpu",
          secPerEpoch: t.secPerEpoch,
          ...TASK,
          threads: t.threads,
          torch: t.torch,
        },
        `torch cpu ${t.model.padEnd(9)} ${t.secPerEpoch.toFixed(3)} s/epoch (${t.threads} threads, torch ${t.torch})`,
      );
    }
    for (const r of results) {
      const t = torch.find((x) => x.model === r.model);
      if (!t) continue;
      const ratio = Number((r.secPerEpoch / t.secPerEpoch).toFixed(2));
      log(
        {
          model: r.model,
          backend: r.backend,
          impl: r.impl,
          torchThreads: t.threads,
          ratioToTorch: ratio,
        },
        `${r.impl} ${r.backend} ${r.model}: ${ratio}× PyTorch CPU (${t.threads} threads)`,
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(`bench-train: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
