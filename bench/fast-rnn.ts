/**
 * `npm run bench:fast-rnn -- [--json] [--browser [--frames fast|raf]] [--backend wasm|cpu]
 *   [--impl stock|fast|both] [--models lstm,gru,simpleRNN] [--epochs 5] [--no-torch]`
 * The recurrent reference task (1024 windows × 20 steps × 1 feature, RNN 32 units → Dense(1),
 * batch 32, Adam, MSE): one warm-up epoch, then the median s/epoch of the timed epochs, for the
 * stock tfjs layers and the fast path — in Node, or with --browser in Debian's Chromium inside a
 * Web Worker on the wasm backend — plus PyTorch CPU in the same run when /usr/bin/python3 has
 * torch. Prints JSON with --json.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { runDiagnostics, type Diagnostics } from "./fast-rnn-diagnostics";
import { timeReferenceTask, type BenchImpl, type BenchRun } from "./fast-rnn-task";
import { median, type BenchModel } from "./reference-task";

interface Options {
  json: boolean;
  browser: boolean;
  backend: "wasm" | "cpu";
  impls: BenchImpl[];
  models: BenchModel[];
  epochs: number;
  torch: boolean;
  /** Browser only: "fast" installs the fast-frames shim in the worker, "raf" leaves tfjs as is. */
  frames: "fast" | "raf";
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const backend = value("--backend") ?? "wasm";
  if (backend !== "wasm" && backend !== "cpu")
    throw new Error(`--backend must be wasm or cpu, not ${backend}`);
  const impl = value("--impl") ?? "both";
  if (impl !== "stock" && impl !== "fast" && impl !== "both")
    throw new Error("--impl must be stock, fast or both");
  const models = (value("--models") ?? "lstm,gru,simpleRNN").split(",").map((m) => {
    if (m !== "lstm" && m !== "gru" && m !== "simpleRNN") throw new Error(`unknown model ${m}`);
    return m;
  });
  const epochs = Number(value("--epochs") ?? 5);
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new Error("--epochs must be a positive integer");
  return {
    json: argv.includes("--json"),
    browser: argv.includes("--browser"),
    backend,
    impls: impl === "both" ? ["stock", "fast"] : [impl],
    models,
    epochs,
    torch: !argv.includes("--no-torch"),
    frames: value("--frames") === "raf" ? "raf" : "fast",
  };
}

type Results = Record<string, Record<string, BenchRun>>;

interface RunOutput {
  runtime: string;
  backend: string;
  results: Results;
  diagnostics?: Diagnostics;
}

async function runInNode(opts: Options): Promise<RunOutput> {
  if (opts.backend === "wasm") {
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    setWasmPaths(`${path.resolve("node_modules/@tensorflow/tfjs-backend-wasm/dist")}/`);
  }
  await tf.setBackend(opts.backend);
  await tf.ready();
  const results: Results = {};
  for (const model of opts.models) {
    results[model] = {};
    for (const impl of opts.impls) {
      const r = await timeReferenceTask(tf, model, impl, opts.epochs);
      results[model]![impl] = r;
      if (!opts.json)
        console.error(
          `${model} ${impl}: ${r.secondsPerEpoch.toFixed(3)} s/epoch (loss ${r.finalLoss?.toFixed(4)})`,
        );
    }
  }
  return {
    runtime: `node ${process.version}`,
    backend: tf.getBackend(),
    results,
    diagnostics: await runDiagnostics(tf),
  };
}

async function runInChromium(opts: Options): Promise<RunOutput> {
  const { build } = await import("esbuild");
  const bundle = await build({
    entryPoints: [
      path.resolve(`bench/fast-rnn-browser/${opts.frames === "raf" ? "worker-raf" : "worker"}.ts`),
    ],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    write: false,
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    // tfjs' node-only branches are never taken in a worker
    external: ["fs", "path", "os", "crypto", "worker_threads", "perf_hooks", "util"],
    logLevel: "silent",
  });
  const workerJs = bundle.outputFiles[0]!.text;
  const wasmDir = path.resolve("node_modules/@tensorflow/tfjs-backend-wasm/dist");
  const page = `<!doctype html><meta charset="utf-8"><title>fast-rnn bench</title><script>
    const w = new Worker("/worker.js");
    w.onmessage = async (e) => {
      if (e.data && e.data.type === "mark") {
        await window.epochMark(e.data.phase);
        w.postMessage({ type: "ack" });
        return;
      }
      window.benchResult = e.data;
    };
    w.onerror = (e) => { window.benchResult = { ok: false, error: String(e.message) }; };
    w.postMessage(${JSON.stringify({ models: opts.models, impls: opts.impls, epochs: opts.epochs })});
  </script>`;
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(page);
    } else if (url === "/worker.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(workerJs);
    } else if (
      url.startsWith("/wasm/") &&
      /^[\w.-]+\.wasm$/.test(url.slice(6)) &&
      existsSync(path.join(wasmDir, url.slice(6)))
    ) {
      res
        .writeHead(200, { "content-type": "application/wasm" })
        .end(readFileSync(path.join(wasmDir, url.slice(6))));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const { chromium } = await import("@playwright/test");
  const { CHROMIUM_ARGS, CHROMIUM_PATH } = await import("../e2e/chromium");
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const tab = await browser.newPage();
    // CPU time of the worker thread at every epoch mark (the worker waits for the read), so the
    // figures can be compared with PyTorch's CPU time when other work loads the machine.
    const marks: number[] = [];
    await tab.exposeFunction("epochMark", async () => {
      marks.push(workerCpuSeconds());
    });
    await tab.goto(`http://127.0.0.1:${port}/`);
    await tab.waitForFunction(
      () => (window as unknown as { benchResult?: unknown }).benchResult,
      undefined,
      {
        timeout: 1_200_000,
        polling: 500,
      },
    );
    const out = (await tab.evaluate(
      () => (window as unknown as { benchResult: unknown }).benchResult,
    )) as {
      ok: boolean;
      error?: string;
      backend?: string;
      userAgent?: string;
      results?: Results;
      diagnostics?: Diagnostics;
    };
    if (!out.ok || !out.results)
      throw new Error(`browser bench failed: ${out.error ?? "no result"}`);
    // marks come in pairs (begin, end) per epoch, in the order the worker ran models and impls
    let pair = 0;
    for (const model of opts.models) {
      for (const impl of opts.impls) {
        const run = out.results[model]?.[impl];
        if (!run) continue;
        const cpu: number[] = [];
        for (let e = 0; e < opts.epochs + 1; e++, pair++) {
          const begin = marks[2 * pair];
          const end = marks[2 * pair + 1];
          if (begin !== undefined && end !== undefined && begin >= 0 && end >= 0)
            cpu.push(end - begin);
        }
        run.cpuSecondsPerEpoch = cpu.length === opts.epochs + 1 ? median(cpu.slice(1)) : null;
      }
    }
    const version = out.userAgent?.match(/Chrome\/([\d.]+)/)?.[1] ?? "?";
    return {
      runtime: `chromium ${version} (web worker, ${opts.frames === "raf" ? "stock frames" : "fast frames"})`,
      backend: out.backend ?? "?",
      results: out.results,
      diagnostics: out.diagnostics,
    };
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * CPU seconds of the Chromium dedicated-worker thread(s) started under this process, from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds on CPU); -1 when none is found.
 */
function workerCpuSeconds(): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended meanwhile
    }
  }
  const isMine = (pid: number) => {
    for (
      let p = parents.get(pid), hops = 0;
      p !== undefined && hops < 10;
      p = parents.get(p), hops++
    ) {
      if (p === process.pid) return true;
    }
    return false;
  };
  let total = 0;
  let found = false;
  for (const pid of parents.keys()) {
    if (!isMine(pid)) continue;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        if (!readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").startsWith("DedicatedWorker"))
          continue;
        total +=
          Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]) / 1e9;
        found = true;
      } catch {
        // the thread ended meanwhile
      }
    }
  }
  return found ? total : -1;
}

function timeTorch(models: BenchModel[], epochs: number): Record<string, unknown> {
  const python = "/usr/bin/python3";
  const script = path.resolve("bench/torch_rnn_fast.py");
  if (!existsSync(python) || !existsSync(script))
    return { available: false, reason: "no /usr/bin/python3 or script" };
  const res = spawnSync(
    python,
    [script, "--json", "--epochs", String(epochs), "--models", models.join(",")],
    {
      encoding: "utf8",
      timeout: 600_000,
    },
  );
  if (res.status !== 0)
    return {
      available: false,
      reason: (res.stderr || res.error?.message || "failed").trim().slice(-400),
    };
  try {
    return { available: true, ...(JSON.parse(res.stdout) as Record<string, unknown>) };
  } catch {
    return { available: false, reason: `unreadable output: ${res.stdout.slice(0, 200)}` };
  }
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  // Model by model, the tfjs runs and the PyTorch run back to back, so a change in the load of a
  // shared machine skews their ratio as little as possible.
  const run: RunOutput = { runtime: "", backend: "", results: {} };
  const diagnostics: Diagnostics[] = [];
  const torch: Record<string, unknown> = {};
  for (const model of opts.models) {
    const one = { ...opts, models: [model] };
    const r = opts.browser ? await runInChromium(one) : await runInNode(one);
    Object.assign(run.results, r.results);
    if (r.diagnostics) diagnostics.push(r.diagnostics);
    run.runtime = r.runtime;
    run.backend = r.backend;
    if (opts.torch) {
      const t = timeTorch([model], opts.epochs);
      if (t["available"] === false) torch[model] = t;
      else {
        torch[model] = t[model];
        torch["torch"] = t["torch"];
        torch["threads"] = t["threads"];
      }
    }
  }
  if (!opts.torch) torch["available"] = false;
  const ratios: Record<string, Record<string, number>> = {};
  for (const model of opts.models) {
    const stock = run.results[model]?.["stock"];
    const fast = run.results[model]?.["fast"];
    const pt = torch[model] as
      { secondsPerEpoch?: number; cpuSecondsPerEpoch?: number } | undefined;
    const ratio = (a: number | null | undefined, b: number | null | undefined) =>
      a && b ? { value: a / b } : null;
    const entries: [string, { value: number } | null][] = [
      ["stockOverFast", ratio(stock?.secondsPerEpoch, fast?.secondsPerEpoch)],
      ["fastOverTorch", ratio(fast?.secondsPerEpoch, pt?.secondsPerEpoch)],
      ["stockOverTorch", ratio(stock?.secondsPerEpoch, pt?.secondsPerEpoch)],
      // the same on CPU time (tfjs thread or process vs the PyTorch process): robust to other load
      ["fastOverTorchCpu", ratio(fast?.cpuSecondsPerEpoch, pt?.cpuSecondsPerEpoch)],
      ["stockOverTorchCpu", ratio(stock?.cpuSecondsPerEpoch, pt?.cpuSecondsPerEpoch)],
    ];
    ratios[model] = Object.fromEntries(entries.flatMap(([k, v]) => (v ? [[k, v.value]] : [])));
  }
  const result = {
    bench: "fast-rnn",
    runtime: run.runtime,
    backend: run.backend,
    machine: `${os.cpus().length}-core ${os.cpus()[0]?.model ?? "cpu"}`,
    loadAverage: os.loadavg(),
    date: new Date().toISOString(),
    task: {
      windows: 1024,
      steps: 20,
      features: 1,
      units: 32,
      batchSize: 32,
      optimizer: "adam",
      loss: "mse",
      timedEpochs: opts.epochs,
    },
    tfjs: run.results,
    diagnostics,
    torch,
    ratios,
  };
  console.log(JSON.stringify(opts.json ? result : { runtime: run.runtime, ratios }, null, 2));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
