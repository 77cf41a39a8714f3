/**
 * A cgroup per run, where the machine allows it: one memory ceiling and one process ceiling for
 * the whole run, on top of the per-process rlimits (RLIMIT_AS alone would let 32 processes take
 * 512 MB each). cgroup v2 (one hierarchy) or v1 (memory + pids hierarchies), created under the
 * server's own cgroup. Best effort: where cgroups are read-only or controllers are not
 * delegated, `createRunCgroup` returns null and the rlimits stand alone.
 */
import "server-only";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface RunCgroup {
  /** Files to write the wrapper's pid into (cgroup.procs of each hierarchy). */
  procsFiles: string[];
  /** True when the kernel's OOM killer killed a process of this run. */
  oomKilled(): boolean;
  /** Remove the cgroup (after the run; it must be empty). True when it is gone. */
  remove(): boolean;
}

export interface CgroupLimits {
  memoryBytes: number;
  pids: number;
}

const ROOT = "/sys/fs/cgroup";

/** The server's own cgroup path per controller, from /proc/self/cgroup. */
export function ownCgroups(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, controllers = "", where = "/"] = match;
    if (controllers === "") map.set("", where);
    for (const c of controllers.split(",")) if (c) map.set(c, where);
  }
  return map;
}

export function createRunCgroup(name: string, limits: CgroupLimits): RunCgroup | null {
  if (process.platform !== "linux") return null;
  let own: Map<string, string>;
  try {
    own = ownCgroups(readFileSync("/proc/self/cgroup", "utf8"));
  } catch {
    return null;
  }
  return existsSync(path.join(ROOT, "cgroup.controllers"))
    ? createV2(own, name, limits)
    : createV1(own, name, limits);
}

function createV2(own: Map<string, string>, name: string, limits: CgroupLimits): RunCgroup | null {
  const dir = path.join(ROOT, own.get("") ?? "/", name);
  try {
    mkdirSync(dir);
  } catch {
    return null;
  }
  try {
    const available = readFileSync(path.join(dir, "cgroup.controllers"), "utf8").split(/\s+/);
    if (!available.includes("memory") || !available.includes("pids"))
      throw new Error("controllers not delegated");
    writeFileSync(path.join(dir, "memory.max"), String(limits.memoryBytes));
    tryWrite(path.join(dir, "memory.swap.max"), "0");
    writeFileSync(path.join(dir, "pids.max"), String(limits.pids));
  } catch {
    tryRmdir(dir);
    return null;
  }
  return {
    procsFiles: [path.join(dir, "cgroup.procs")],
    oomKilled: () => counter(path.join(dir, "memory.events"), "oom_kill") > 0,
    remove: () => tryRmdir(dir),
  };
}

function createV1(own: Map<string, string>, name: string, limits: CgroupLimits): RunCgroup | null {
  const memory = path.join(ROOT, "memory", own.get("memory") ?? "/", name);
  const pids = path.join(ROOT, "pids", own.get("pids") ?? "/", name);
  const made: string[] = [];
  try {
    for (const dir of [memory, pids]) {
      mkdirSync(dir);
      made.push(dir);
    }
    writeFileSync(path.join(memory, "memory.limit_in_bytes"), String(limits.memoryBytes));
    // With swap accounting on, also cap memory+swap so that swapping does not extend the limit.
    tryWrite(path.join(memory, "memory.memsw.limit_in_bytes"), String(limits.memoryBytes));
    writeFileSync(path.join(pids, "pids.max"), String(limits.pids));
  } catch {
    made.forEach(tryRmdir);
    return null;
  }
  return {
    procsFiles: [path.join(memory, "cgroup.procs"), path.join(pids, "cgroup.procs")],
    oomKilled: () => counter(path.join(memory, "memory.oom_control"), "oom_kill") > 0,
    remove: () => [memory, pids].map(tryRmdir).every(Boolean),
  };
}

function counter(file: string, key: string): number {
  try {
    const match = new RegExp(`^${key}\\s+(\\d+)`, "m").exec(readFileSync(file, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function tryWrite(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch {
    // Optional knob missing (e.g. no swap accounting).
  }
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    // ENOENT: already gone. EBUSY: still emptying; the caller retries.
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/**
 * The command that puts itself into the run's cgroup(s) and then becomes bwrap, so that every
 * process of the run starts inside (no race with bwrap's first fork).
 */
export function joinCgroupCommand(
  procsFiles: string[],
  command: string,
  args: string[],
): { command: string; args: string[] } {
  if (procsFiles.length === 0) return { command, args };
  const script =
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; shift; n=$((n - 1)); done; exec "$@"';
  return {
    command: "/bin/sh",
    args: ["-c", script, "sh", String(procsFiles.length), ...procsFiles, command, ...args],
  };
}
