/**
 * Cold-build benchmark of the Rust runner (`npm run bench:rust -- [rounds]`): hello world and a
 * 3-file project through the real runner and sandbox, and the same builds with plain cargo on
 * the host (no sandbox; with and without debug info), interleaved round by round, to show what
 * the sandbox and the build settings cost. Prints JSON.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { runRustProject } from "@/lib/rust-sandbox/runner";
import { rustRunnerStatus } from "@/lib/rust-sandbox/status";
import { cachedToolchain } from "@/lib/rust-sandbox/toolchain";
import type { ProjectFile, RunMode } from "@/lib/rust-sandbox/types";

const MANIFEST = (name: string) =>
  `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`;

export const HELLO: ProjectFile[] = [
  { path: "Cargo.toml", content: MANIFEST("hello") },
  { path: "src/main.rs", content: `fn main() {\n    println!("Hello, world!");\n}\n` },
];

export const THREE_FILES: ProjectFile[] = [
  { path: "Cargo.toml", content: MANIFEST("shapes") },
  {
    path: "src/main.rs",
    content: `use shapes::{area_sum, Shape};\nfn main() {\n    let shapes = vec![Shape::Circle { r: 1.0 }, Shape::Rect { w: 2.0, h: 3.0 }];\n    println!("total area {:.3}", area_sum(&shapes));\n}\n`,
  },
  {
    path: "src/lib.rs",
    content: `mod geometry;\npub use geometry::Shape;\nuse std::collections::HashMap;\n\npub fn area_sum(shapes: &[Shape]) -> f64 {\n    let mut by_kind: HashMap<&str, f64> = HashMap::new();\n    for s in shapes { *by_kind.entry(s.kind()).or_default() += s.area(); }\n    by_kind.values().sum()\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn sums() { assert!((area_sum(&[Shape::Rect { w: 1.0, h: 2.0 }]) - 2.0).abs() < 1e-9); }\n}\n`,
  },
  {
    path: "src/geometry.rs",
    content: `#[derive(Debug, Clone)]\npub enum Shape {\n    Circle { r: f64 },\n    Rect { w: f64, h: f64 },\n}\n\nimpl Shape {\n    pub fn area(&self) -> f64 {\n        match self {\n            Shape::Circle { r } => std::f64::consts::PI * r * r,\n            Shape::Rect { w, h } => w * h,\n        }\n    }\n    pub fn kind(&self) -> &'static str {\n        match self { Shape::Circle { .. } => "circle", Shape::Rect { .. } => "rect" }\n    }\n}\n`,
  },
];

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    min: sorted[0] ?? 0,
    max: sorted.at(-1) ?? 0,
  };
}

async function sandboxedOnce(files: ProjectFile[], mode: RunMode) {
  const started = performance.now();
  const result = await runRustProject(files, { mode });
  if (result.status !== "ok")
    throw new Error(
      `bench project failed: ${result.status} ${result.message ?? ""} ${result.stderr}`,
    );
  return {
    compileMs: result.compileMs,
    runMs: result.runMs,
    wallMs: Math.round(performance.now() - started),
  };
}

/** Plain `cargo build` on the host, outside any sandbox, as the baseline. */
function hostCargoOnce(files: ProjectFile[], debugInfo: boolean): number {
  const lookup = cachedToolchain();
  if (!lookup.ok) throw new Error(lookup.reason);
  const cargo = path.join(lookup.toolchain.sysroot, "bin", "cargo");
  const dir = mkdtempSync(path.join(tmpdir(), "courses-rust-bench-"));
  try {
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.content);
    }
    const env = {
      ...process.env,
      CARGO_HOME: path.join(dir, ".cargo-home"),
      CARGO_INCREMENTAL: "0",
      ...(debugInfo ? {} : { CARGO_PROFILE_DEV_DEBUG: "0" }),
    };
    const started = performance.now();
    const out = spawnSync(cargo, ["build", "--offline", "--quiet"], {
      cwd: dir,
      env,
      encoding: "utf8",
    });
    if (out.status !== 0) throw new Error(`host cargo failed: ${out.stderr}`);
    return Math.round(performance.now() - started);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Sample = { compileMs: number; runMs: number; wallMs: number };

function summarise(samples: Sample[]) {
  return {
    compileMs: stats(samples.map((s) => s.compileMs)),
    runMs: stats(samples.map((s) => s.runMs)),
    wallMs: stats(samples.map((s) => s.wallMs)),
  };
}

async function main() {
  const rounds = Number(process.argv[2] ?? 5);
  const status = rustRunnerStatus();
  if (!status.available) {
    console.log(JSON.stringify({ skipped: status.reason }));
    return;
  }
  const lookup = cachedToolchain();
  const loadAverageBefore = loadavg().map((l) => Number(l.toFixed(2)));
  // Interleaved round by round, so that sandbox and host see the same machine load.
  const sandbox = {
    helloRun: [] as Sample[],
    threeFilesRun: [] as Sample[],
    threeFilesTest: [] as Sample[],
  };
  const host = {
    hello: [] as number[],
    helloWithDebugInfo: [] as number[],
    threeFiles: [] as number[],
    threeFilesWithDebugInfo: [] as number[],
  };
  for (let round = 0; round < rounds; round++) {
    sandbox.helloRun.push(await sandboxedOnce(HELLO, "run"));
    host.hello.push(hostCargoOnce(HELLO, false));
    host.helloWithDebugInfo.push(hostCargoOnce(HELLO, true));
    sandbox.threeFilesRun.push(await sandboxedOnce(THREE_FILES, "run"));
    host.threeFiles.push(hostCargoOnce(THREE_FILES, false));
    host.threeFilesWithDebugInfo.push(hostCargoOnce(THREE_FILES, true));
    sandbox.threeFilesTest.push(await sandboxedOnce(THREE_FILES, "test"));
  }
  const report = {
    machine: "2-core sandbox",
    date: new Date().toISOString(),
    rustc: lookup.ok ? lookup.toolchain.rustcVersion : null,
    rounds,
    loadAverageBefore,
    sandbox: {
      helloRun: summarise(sandbox.helloRun),
      threeFilesRun: summarise(sandbox.threeFilesRun),
      threeFilesTest: summarise(sandbox.threeFilesTest),
    },
    hostCargoBuildNoSandboxMs: {
      helloNoDebugInfo: stats(host.hello),
      helloWithDebugInfo: stats(host.helloWithDebugInfo),
      threeFilesNoDebugInfo: stats(host.threeFiles),
      threeFilesWithDebugInfo: stats(host.threeFilesWithDebugInfo),
    },
    loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.log(JSON.stringify(report, null, 2));
}

if (process.argv[1]?.endsWith("bench.ts")) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
