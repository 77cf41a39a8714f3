/**
 * One command inside bubblewrap. The sandbox sees only: read-only /usr/{bin,lib,lib64,libexec}
 * (plus /bin, /lib, /lib64 symlinks), the toolchain folder read-only at /opt/rust, a fake
 * /etc/passwd and /etc/group, fresh /proc (own pid namespace) and /dev, a private size-limited
 * tmpfs /tmp, and the project's work directory at /work. No network (own, empty net namespace),
 * no host environment (--clearenv). The command runs as a throw-away unprivileged uid (setpriv),
 * so RLIMIT_NPROC applies (root ignores it) and root-owned files stay read-only even where
 * bound writable. Killing bwrap kills the sandbox's pid 1 (--die-with-parent), and the kernel
 * then kills every process in that pid namespace: nothing outlives a run.
 */
import "server-only";
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, readdirSync } from "node:fs";
import { createRunCgroup, joinCgroupCommand, type RunCgroup } from "./cgroup";
import type { Toolchain } from "./toolchain";
import { systemBinds } from "./toolchain";

export interface SandboxLimits {
  wallMs: number;
  addressSpaceBytes: number;
  processes: number;
  fileSizeBytes: number;
  cpuSeconds: number;
  openFiles: number;
  tmpBytes: number;
  /** stdout + stderr together; more stops the command. */
  outputBytes: number;
  /** Whole-sandbox ceilings through a cgroup, where the machine allows one (cgroup.ts). */
  groupMemoryBytes: number;
  groupProcesses: number;
}

export interface SandboxSpec {
  toolchain: Toolchain;
  /** Host directory that appears as /work. */
  workDir: string;
  workWritable: boolean;
  /** Host files for the sandbox's /etc/passwd and /etc/group. */
  passwdFile: string;
  groupFile: string;
  uid: number;
  /** Host file holding the seccomp filter (seccomp.ts); passed to bwrap as fd 3. */
  seccompFile?: string;
  command: string[];
  env: Record<string, string>;
  limits: SandboxLimits;
}

/** The child's fd on which bwrap reads the seccomp filter. */
const SECCOMP_FD = 3;

type StopReason = "timeout" | "output" | "aborted";

export interface SandboxOutcome {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  stopReason: StopReason | null;
  truncated: boolean;
  /** Processes of the sandbox uid found alive after the run (and then killed); must be 0. */
  stragglers: number;
  /** The run's cgroup hit its memory ceiling and the kernel killed a process. */
  oomKilled: boolean;
  /** Whether the run had its own cgroup (false: rlimits only). */
  cgrouped: boolean;
}

export const SANDBOX_WORK_DIR = "/work";

/** bwrap's own environment (the sandbox starts from --clearenv anyway): nothing of the app's. */
export function bwrapHostEnv(): NodeJS.ProcessEnv {
  return { PATH: "/usr/bin:/bin", NODE_ENV: process.env.NODE_ENV };
}

/** The full bwrap argument list: pure, so tests can read exactly what is and is not bound. */
export function buildBwrapArgs(spec: SandboxSpec): string[] {
  const { toolchain, limits } = spec;
  const args = [
    // Not --unshare-all: as root that adds a user namespace mapping the sandbox to host uid 0,
    // which RLIMIT_NPROC exempts. Every other namespace is unshared; the uid drop is setpriv's job.
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-uts",
    "--unshare-cgroup-try",
    "--hostname",
    "sandbox",
    "--die-with-parent",
    "--new-session",
    "--clearenv",
    // Parent folders bwrap creates itself would be 0700, unreadable for the unprivileged uid.
    "--perms",
    "0755",
    "--dir",
    "/usr",
    "--perms",
    "0755",
    "--dir",
    "/etc",
  ];
  for (const dir of systemBinds()) args.push("--ro-bind", dir, dir);
  args.push("--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib");
  if (systemBinds().includes("/usr/lib64")) args.push("--symlink", "usr/lib64", "/lib64");
  if (toolchain.sandboxSysroot !== toolchain.sysroot) {
    args.push(
      "--perms",
      "0755",
      "--dir",
      "/opt",
      "--ro-bind",
      toolchain.sysroot,
      toolchain.sandboxSysroot,
    );
  }
  args.push(
    "--ro-bind",
    spec.passwdFile,
    "/etc/passwd",
    "--ro-bind",
    spec.groupFile,
    "/etc/group",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--size",
    String(limits.tmpBytes),
    "--perms",
    "1777",
    "--tmpfs",
    "/tmp",
    spec.workWritable ? "--bind" : "--ro-bind",
    spec.workDir,
    SANDBOX_WORK_DIR,
    "--chdir",
    SANDBOX_WORK_DIR,
  );
  for (const [name, value] of Object.entries(spec.env)) args.push("--setenv", name, value);
  if (spec.seccompFile) args.push("--seccomp", String(SECCOMP_FD));
  args.push(
    "--",
    toolchain.prlimit,
    `--as=${limits.addressSpaceBytes}`,
    `--nproc=${limits.processes}`,
    `--fsize=${limits.fileSizeBytes}`,
    `--cpu=${limits.cpuSeconds}`,
    `--nofile=${limits.openFiles}`,
    "--core=0",
    "--",
    toolchain.setpriv,
    `--reuid=${spec.uid}`,
    `--regid=${spec.uid}`,
    "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--no-new-privs",
    "--",
    ...spec.command,
  );
  return args;
}

export function runInSandbox(spec: SandboxSpec, signal?: AbortSignal): Promise<SandboxOutcome> {
  const started = performance.now();
  const limit = spec.limits.outputBytes;
  return new Promise((resolve) => {
    const seccompFd = spec.seccompFile ? openSync(spec.seccompFile, "r") : null;
    const cgroup = createRunCgroup(`courses-rust-${spec.uid}-${(cgroupSerial += 1)}`, {
      memoryBytes: spec.limits.groupMemoryBytes,
      pids: spec.limits.groupProcesses,
    });
    const { command, args } = joinCgroupCommand(
      cgroup?.procsFiles ?? [],
      spec.toolchain.bwrap,
      buildBwrapArgs(spec),
    );
    // detached: the wrapper (which becomes bwrap) leads its own process group, so one kill reaches it.
    const child = spawn(command, args, {
      detached: true,
      stdio: ["ignore", "pipe", "pipe", seccompFd ?? "ignore"],
      env: bwrapHostEnv(),
    });
    if (seccompFd !== null) closeSync(seccompFd);
    const chunks: Record<"stdout" | "stderr", Buffer[]> = { stdout: [], stderr: [] };
    let kept = 0;
    let truncated = false;
    let stopReason: StopReason | null = null;

    const stop = (reason: StopReason) => {
      stopReason ??= reason;
      killGroup(child.pid);
    };
    const collect = (stream: "stdout" | "stderr") => (data: Buffer) => {
      if (truncated) return;
      const room = limit - kept;
      if (data.length > room) {
        chunks[stream].push(data.subarray(0, Math.max(0, room)));
        kept = limit;
        truncated = true;
        stop("output");
        return;
      }
      chunks[stream].push(data);
      kept += data.length;
    };
    // Always pipes (see stdio above); the optional chaining only satisfies the type.
    child.stdout?.on("data", collect("stdout"));
    child.stderr?.on("data", collect("stderr"));

    const timer = setTimeout(() => stop("timeout"), spec.limits.wallMs);
    const onAbort = () => stop("aborted");
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });

    let finished = false;
    const finish = async (exitCode: number | null, spawnError?: Error) => {
      if (finished) return;
      finished = true;
      const durationMs = Math.round(performance.now() - started);
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      const stragglers = await reapUid(spec.uid);
      if (stragglers > 0)
        console.error(
          `rust sandbox: killed ${stragglers} process(es) of uid ${spec.uid} left after the run`,
        );
      const oomKilled = cgroup?.oomKilled() ?? false;
      if (cgroup) await removeCgroup(cgroup);
      const stderr = Buffer.concat(chunks.stderr).toString("utf8");
      resolve({
        exitCode,
        stdout: Buffer.concat(chunks.stdout).toString("utf8"),
        stderr: spawnError ? `${stderr}could not start bwrap: ${spawnError.message}\n` : stderr,
        durationMs,
        stopReason,
        truncated,
        stragglers,
        oomKilled,
        cgrouped: cgroup !== null,
      });
    };
    child.once("error", (error) => void finish(null, error));
    child.once("close", (code) => void finish(stopReason ? null : code));
  });
}

let cgroupSerial = 0;

/** An emptied cgroup can stay busy for a moment after its last process died. */
async function removeCgroup(cgroup: RunCgroup): Promise<void> {
  for (let attempt = 0; attempt < 10 && !cgroup.remove(); attempt++) {
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Pids of live processes whose real uid is `uid` (reads /proc; Linux only). */
export function processesOfUid(uid: number): number[] {
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return pids;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const uidLine = /^Uid:\s+(\d+)/m.exec(status);
      const state = /^State:\s+(\S)/m.exec(status)?.[1];
      if (uidLine && Number(uidLine[1]) === uid && state !== "Z") pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * Belt and braces after every run. When the sandbox's pid 1 dies the kernel kills the rest of
 * its pid namespace, but asynchronously: give it a moment, then kill and count what is left.
 */
async function reapUid(uid: number, graceMs = 1000): Promise<number> {
  const deadline = performance.now() + graceMs;
  let pids = processesOfUid(uid);
  while (pids.length > 0 && performance.now() < deadline) {
    await new Promise((wake) => setTimeout(wake, 20));
    pids = processesOfUid(uid);
  }
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  return pids.length;
}
