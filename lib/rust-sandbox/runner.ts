/**
 * Build and run (or test) a learner's Cargo project: validate the files, wait for a build slot,
 * copy the project into a fresh temporary directory, `cargo build`/`cargo test --no-run` in the
 * sandbox with the work directory writable, then run the executable(s) in a second sandbox with
 * the work directory read-only, and delete everything. The CLI, the server action and the
 * tests all come through `runRustProject`.
 */
import "server-only";
import {
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomInt } from "node:crypto";
import { parseCargoMessages, type Executable } from "./cargo-messages";
import { COMPILE_LIMITS, MEMORY_LIMIT_BYTES, OUTPUT_LIMIT_BYTES, RUN_LIMITS } from "./limits";
import { checkManifest } from "./manifest";
import {
  observeRustBuild,
  observeRustQueueWait,
  setRustQueueDepthSource,
} from "../metrics/metrics";
import { createBuildQueue, QueueAbortedError, QueueFullError, type BuildQueue } from "./queue";
import {
  processesOfUid,
  runInSandbox,
  SANDBOX_WORK_DIR,
  type SandboxLimits,
  type SandboxOutcome,
} from "./sandbox";
import { seccompProgram } from "./seccomp";
import { rustRunnerStatus } from "./status";
import { cachedToolchain, type Toolchain } from "./toolchain";
import {
  describeZodError,
  projectFilesSchema,
  stoppedResult,
  type ProjectFile,
  type RunMode,
  type RustRunResult,
} from "./types";

export interface RunRustOptions {
  mode?: RunMode;
  signal?: AbortSignal;
  /** 1, 2, … while waiting for a build slot; 0 when the build starts. */
  onQueuePosition?: (position: number) => void;
  ticket?: string;
  /** The learner's id: queue mode (job-queue.ts) allows one build per learner at a time. */
  learner?: string;
  queue?: BuildQueue;
  /** Tests watch the throw-away uid to prove that no process outlives the run. */
  onSandboxUid?: (uid: number) => void;
  /** Seed cargo's rustc probe cache (default true; the benchmark turns it off to compare). */
  seedRustcInfo?: boolean;
}

/** The process-wide queue: at most 2 builds at once. */
const buildQueue: BuildQueue = createBuildQueue(2);
setRustQueueDepthSource("in-process", () => buildQueue.waiting);

const TRUNCATION_MARKER = `\n… [output truncated at ${OUTPUT_LIMIT_BYTES / 1024} KB]\n`;

export async function runRustProject(
  files: unknown,
  options: RunRustOptions = {},
): Promise<RustRunResult> {
  const parsed = projectFilesSchema.safeParse(files);
  if (!parsed.success)
    return rejected(`The project was refused: ${describeZodError(parsed.error)}.`);
  const manifest = parsed.data.find((f) => f.path === "Cargo.toml")?.content ?? "";
  const manifestProblems = checkManifest(manifest);
  if (manifestProblems.length > 0) {
    return {
      ...rejected(manifestProblems.map((p) => `Cargo.toml:${p.line}: ${p.message}`).join("\n")),
      diagnostics: manifestProblems,
    };
  }
  const status = rustRunnerStatus();
  const lookup = cachedToolchain();
  if (!status.available || !lookup.ok)
    return unavailable(status.reason ?? "Running Rust is unavailable here.");
  const queue = options.queue ?? buildQueue;
  try {
    const enqueuedAt = performance.now();
    return await queue.run(
      async () => {
        const startedAt = performance.now();
        observeRustQueueWait("in-process", (startedAt - enqueuedAt) / 1000);
        const result = await buildAndRun(parsed.data, lookup.toolchain, options);
        observeRustBuild(
          options.mode ?? "run",
          result.status,
          (performance.now() - startedAt) / 1000,
        );
        return result;
      },
      {
        onPosition: options.onQueuePosition,
        signal: options.signal,
        ticket: options.ticket,
      },
    );
  } catch (error) {
    if (error instanceof QueueFullError || error instanceof QueueAbortedError)
      return unavailable(`${capitalise(error.message)}.`);
    throw error;
  }
}

const WORK_PREFIX = "courses-rust-";

/**
 * Where run directories are made. The sandbox runs the built program from a bind of this
 * folder, and a bind keeps its source's mount flags: on a host whose /tmp is mounted noexec,
 * point RUST_RUNNER_TMPDIR at a folder on an exec-allowed filesystem.
 */
function workRoot(): string {
  return process.env.RUST_RUNNER_TMPDIR || tmpdir();
}
let swept = false;

/**
 * Runs last at most 25 s and always delete their directory, unless the server itself was killed
 * mid-run. Once per process, remove such leftovers (older than 10 minutes, so never a live run).
 */
export function sweepStaleWorkDirs(now = Date.now(), maxAgeMs = 10 * 60_000): number {
  let removed = 0;
  for (const name of readdirSync(workRoot())) {
    if (
      !name.startsWith(WORK_PREFIX) ||
      name.startsWith(`${WORK_PREFIX}probe-`) ||
      name.startsWith(`${WORK_PREFIX}bench-`)
    )
      continue;
    const dir = path.join(workRoot(), name);
    try {
      if (now - statSync(dir).mtimeMs > maxAgeMs) {
        rmSync(dir, { recursive: true, force: true });
        removed += 1;
      }
    } catch {
      // Removed by someone else meanwhile.
    }
  }
  return removed;
}

async function buildAndRun(
  files: ProjectFile[],
  toolchain: Toolchain,
  options: RunRustOptions,
): Promise<RustRunResult> {
  const mode = options.mode ?? "run";
  if (!swept) {
    swept = true;
    sweepStaleWorkDirs();
  }
  const uid = pickSandboxUid();
  options.onSandboxUid?.(uid);
  const rustcInfo = options.seedRustcInfo === false ? null : await rustcInfoOnce(toolchain);
  const { root, workDir, sandbox } = prepareRun(files, uid, toolchain, options.signal);
  try {
    if (rustcInfo) seedTargetDir(workDir, uid, rustcInfo);
    const compile = await sandbox(
      cargoCommand(toolchain, mode),
      cargoEnv(toolchain),
      true,
      COMPILE_LIMITS,
    );
    const messages = parseCargoMessages(compile.stdout, SANDBOX_WORK_DIR);
    const compileMs = compile.durationMs;
    if (compile.stopReason || compile.exitCode !== 0) {
      const stderr = limitText(`${messages.rendered}${compile.stderr}`);
      return {
        status:
          compile.stopReason === "timeout"
            ? "timeout"
            : compile.stopReason
              ? "killed"
              : "compile-error",
        exitCode: compile.exitCode,
        stdout: "",
        stderr: stderr.text,
        diagnostics: messages.diagnostics,
        compileMs,
        runMs: 0,
        message: compileStopMessage(compile, stderr.text),
        truncated: stderr.truncated || compile.truncated,
      };
    }

    const chosen = chooseExecutables(messages.executables, mode);
    if (typeof chosen === "string") {
      return { ...rejected(chosen), diagnostics: messages.diagnostics, compileMs };
    }
    const run = await sandbox(
      runCommand(chosen, mode),
      { PATH: "/usr/bin:/bin", HOME: "/tmp", LANG: "C.UTF-8" },
      false,
      RUN_LIMITS,
    );
    return {
      ...runStatus(run, mode),
      exitCode: run.exitCode,
      stdout: run.truncated ? run.stdout + TRUNCATION_MARKER : run.stdout,
      stderr: run.stderr,
      diagnostics: messages.diagnostics,
      compileMs,
      runMs: run.durationMs,
      truncated: run.truncated,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * A fresh uid per run: RLIMIT_NPROC counts per uid, and everything left of a run is easy to
 * find (and kill) by its uid. Never one that names a host account or owns a live process, so
 * the reaper cannot hit anything that is not ours.
 */
export function pickSandboxUid(): number {
  let accounts = "";
  try {
    accounts = readFileSync("/etc/passwd", "utf8");
  } catch {
    // No passwd file: only the process check remains.
  }
  const taken = new Set(accounts.split("\n").map((line) => Number(line.split(":")[2])));
  for (let attempt = 0; attempt < 50; attempt++) {
    const uid = randomInt(200_000, 300_000);
    if (!taken.has(uid) && processesOfUid(uid).length === 0) return uid;
  }
  throw new Error("no free sandbox uid found");
}

/** A run's directory (project, passwd, seccomp filter) and a sandbox launcher bound to it. */
function prepareRun(
  files: ProjectFile[],
  uid: number,
  toolchain: Toolchain,
  signal: AbortSignal | undefined,
) {
  const root = mkdtempSync(path.join(workRoot(), WORK_PREFIX));
  const workDir = writeProject(root, files, uid);
  const passwdFile = path.join(root, "passwd");
  const groupFile = path.join(root, "group");
  writeFileSync(passwdFile, `learner:x:${uid}:${uid}:learner:${SANDBOX_WORK_DIR}:/bin/sh\n`);
  writeFileSync(groupFile, `learner:x:${uid}:\n`);
  const filter = seccompProgram();
  const seccompFile = filter ? path.join(root, "seccomp.bpf") : undefined;
  if (seccompFile && filter) writeFileSync(seccompFile, filter);
  const sandbox = (
    command: string[],
    env: Record<string, string>,
    writable: boolean,
    limits: SandboxLimits,
  ) =>
    runInSandbox(
      {
        toolchain,
        workDir,
        workWritable: writable,
        passwdFile,
        groupFile,
        uid,
        seccompFile,
        command,
        env,
        limits,
      },
      signal,
    );
  return { root, workDir, sandbox };
}

/**
 * Before building, cargo asks rustc about itself and the target (two rustc runs, 0.1–0.3 s on
 * this machine) and caches the answers in target/.rustc_info.json, keyed by rustc's fingerprint.
 * Every run starts from an empty target, so the runner builds a fixed hello world once per
 * process and seeds each run's target with that file (never with one a learner's build wrote).
 * If the toolchain changes, cargo sees a different fingerprint and simply asks again.
 */
let rustcInfo: Promise<string | null> | null = null;

export function rustcInfoOnce(toolchain: Toolchain): Promise<string | null> {
  rustcInfo ??= harvestRustcInfo(toolchain);
  return rustcInfo;
}

const WARM_UP: ProjectFile[] = [
  {
    path: "Cargo.toml",
    content: `[package]\nname = "warm_up"\nversion = "0.1.0"\nedition = "2021"\n`,
  },
  { path: "src/main.rs", content: "fn main() {}\n" },
];

async function harvestRustcInfo(toolchain: Toolchain): Promise<string | null> {
  const uid = pickSandboxUid();
  const { root, workDir, sandbox } = prepareRun(WARM_UP, uid, toolchain, undefined);
  try {
    const build = await sandbox(
      cargoCommand(toolchain, "run"),
      cargoEnv(toolchain),
      true,
      COMPILE_LIMITS,
    );
    if (build.exitCode !== 0) return null;
    const text = readFileSync(path.join(workDir, "target", ".rustc_info.json"), "utf8");
    const json: unknown = JSON.parse(text);
    return typeof json === "object" &&
      json !== null &&
      "rustc_fingerprint" in json &&
      "outputs" in json
      ? text
      : null;
  } catch {
    return null;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function seedTargetDir(workDir: string, uid: number, info: string): void {
  const target = path.join(workDir, "target");
  mkdirSync(target);
  chownSync(target, uid, uid);
  writeFileSync(path.join(target, ".rustc_info.json"), info);
  chownSync(path.join(target, ".rustc_info.json"), uid, uid);
}

function writeProject(root: string, files: ProjectFile[], uid: number): string {
  const workDir = path.join(root, "work");
  mkdirSync(workDir, { mode: 0o700 });
  chownSync(workDir, uid, uid);
  for (const file of files) {
    const target = path.resolve(workDir, file.path);
    // The schema already refuses absolute paths and `..`; this is the second lock on the door.
    if (!target.startsWith(`${workDir}/`))
      throw new Error(`refusing to write outside the project: ${file.path}`);
    let dir = workDir;
    for (const part of path.relative(workDir, path.dirname(target)).split("/").filter(Boolean)) {
      dir = path.join(dir, part);
      mkdirSync(dir, { recursive: true });
      chownSync(dir, uid, uid);
    }
    writeFileSync(target, file.content);
    chownSync(target, uid, uid);
  }
  return workDir;
}

function cargoCommand(toolchain: Toolchain, mode: RunMode): string[] {
  const cargo = path.join(toolchain.sandboxSysroot, "bin", "cargo");
  const common = ["--offline", "--message-format=json", "--quiet", "--color", "never"];
  return mode === "test"
    ? [cargo, "test", "--no-run", "--tests", ...common]
    : [cargo, "build", "--bins", ...common];
}

function cargoEnv(toolchain: Toolchain): Record<string, string> {
  const bin = path.join(toolchain.sandboxSysroot, "bin");
  const triple = toolchain.hostTriple.toUpperCase().replace(/[-.]/g, "_");
  return {
    PATH: `${bin}:/usr/bin:/bin`,
    HOME: "/tmp",
    LANG: "C.UTF-8",
    CARGO_HOME: "/tmp/cargo-home",
    CARGO_TARGET_DIR: `${SANDBOX_WORK_DIR}/target`,
    CARGO_NET_OFFLINE: "true",
    RUSTC: path.join(bin, "rustc"),
    // Fast cold builds: nothing incremental to reuse, no debug info to write.
    CARGO_INCREMENTAL: "0",
    CARGO_PROFILE_DEV_DEBUG: "0",
    CARGO_PROFILE_TEST_DEBUG: "0",
    CARGO_TERM_COLOR: "never",
    [`CARGO_TARGET_${triple}_LINKER`]: toolchain.linker,
  };
}

function chooseExecutables(executables: Executable[], mode: RunMode): Executable[] | string {
  const inTarget = executables.filter((e) => e.path.startsWith(`${SANDBOX_WORK_DIR}/target/`));
  if (mode === "test") {
    const tests = inTarget.filter((e) => e.test);
    return tests.length > 0
      ? tests
      : "The build found no tests to run (add #[test] functions or files under tests/).";
  }
  const bins = inTarget.filter((e) => !e.test && e.kind.includes("bin"));
  if (bins.length === 0)
    return "This project has no program to run (no src/main.rs or [[bin]]); use Test for a library.";
  const main = bins.find((e) => e.source === "src/main.rs");
  if (main) return [main];
  if (bins.length === 1 && bins[0]) return [bins[0]];
  return `This project has several programs (${bins.map((b) => b.name).join(", ")}) and none in src/main.rs; keep one.`;
}

/**
 * Test harnesses run one after another, announced the way `cargo test` does, but on stdout:
 * stdout and stderr are captured apart, and the announcements belong between the results.
 */
const TEST_LOOP = `status=0
while [ "$#" -gt 0 ]; do
  printf '     Running %s\\n' "$2"
  "$1" || status=$?
  shift 2
done
exit "$status"`;

function runCommand(executables: Executable[], mode: RunMode): string[] {
  if (mode === "run" && executables[0]) return [executables[0].path];
  return ["/bin/sh", "-c", TEST_LOOP, "sh", ...executables.flatMap((e) => [e.path, e.source])];
}

function runStatus(run: SandboxOutcome, mode: RunMode): Pick<RustRunResult, "status" | "message"> {
  const seconds = RUN_LIMITS.wallMs / 1000;
  if (run.oomKilled) {
    return {
      status: "killed",
      message: `Stopped: the program ran out of memory (limit ${MEMORY_LIMIT_BYTES / 1024 / 1024} MB for the whole run).`,
    };
  }
  if (run.stopReason === "timeout")
    return { status: "timeout", message: `Stopped: the program ran longer than ${seconds} s.` };
  if (run.stopReason === "output") {
    return {
      status: "killed",
      message: `Stopped: the program printed more than ${OUTPUT_LIMIT_BYTES / 1024} KB.`,
    };
  }
  if (run.stopReason === "aborted")
    return { status: "killed", message: "Stopped: the run was cancelled." };
  if (run.exitCode === 0) return { status: "ok" };
  if (run.exitCode !== null && run.exitCode > 128)
    return { status: "killed", message: signalMessage(run.exitCode - 128, run.stderr) };
  if (mode === "test")
    return { status: "runtime-error", message: `Some tests failed (exit code ${run.exitCode}).` };
  if (run.exitCode === 101)
    return { status: "runtime-error", message: "The program panicked (exit code 101)." };
  return { status: "runtime-error", message: `The program exited with code ${run.exitCode}.` };
}

function signalMessage(signal: number, stderr: string): string {
  const memory = `${MEMORY_LIMIT_BYTES / 1024 / 1024} MB`;
  if (/memory allocation of \d+ bytes failed/.test(stderr))
    return `Stopped: the program ran out of memory (limit ${memory}).`;
  if (/has overflowed its stack/.test(stderr))
    return "Stopped: the program overflowed its stack (too deep recursion?).";
  const names: Record<number, string> = {
    6: "aborted (SIGABRT)",
    9: `killed (SIGKILL, e.g. CPU limit)`,
    11: "crashed with a segmentation fault (SIGSEGV)",
    24: "stopped at the CPU time limit (SIGXCPU)",
    25: "stopped at the file size limit (SIGXFSZ)",
  };
  return `Stopped: the program was ${names[signal] ?? `killed by signal ${signal}`}.`;
}

function compileStopMessage(compile: SandboxOutcome, stderr: string): string {
  if (compile.stopReason === "timeout")
    return `Stopped: the build took longer than ${COMPILE_LIMITS.wallMs / 1000} s.`;
  if (compile.stopReason === "output") return "Stopped: the build produced too much output.";
  if (compile.stopReason === "aborted") return "Stopped: the build was cancelled.";
  if (compile.oomKilled || /memory allocation of \d+ bytes failed/.test(stderr)) {
    return `The compiler ran out of memory (limit ${MEMORY_LIMIT_BYTES / 1024 / 1024} MB): is a macro or const expanding without end?`;
  }
  if (compile.exitCode !== null && compile.exitCode > 128)
    return "The build was killed (memory or process limit).";
  return "The project did not compile.";
}

function limitText(text: string): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= OUTPUT_LIMIT_BYTES) return { text, truncated: false };
  return {
    text: bytes.subarray(0, OUTPUT_LIMIT_BYTES).toString("utf8") + TRUNCATION_MARKER,
    truncated: true,
  };
}

function rejected(message: string): RustRunResult {
  return stoppedResult("compile-error", message, `${message}\n`);
}

function unavailable(reason: string): RustRunResult {
  return stoppedResult("unavailable", reason);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
