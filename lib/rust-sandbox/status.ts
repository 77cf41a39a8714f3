/**
 * Can this server run Rust cells? Answers once per process (the probe starts a real, tiny
 * sandbox), except for RUST_RUNNER=off, which is read on every call so tests can flip it.
 */
import "server-only";
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { seccompProgram } from "./seccomp";
import { buildBwrapArgs, bwrapHostEnv } from "./sandbox";
import { cachedToolchain } from "./toolchain";
import type { RustRunnerStatus } from "./types";

const envSchema = z.object({ RUST_RUNNER: z.enum(["on", "off"]).optional().catch(undefined) });

let probed: RustRunnerStatus | null = null;

export function rustRunnerStatus(): RustRunnerStatus {
  if (envSchema.parse(process.env).RUST_RUNNER === "off") {
    return {
      available: false,
      reason: "Running Rust is turned off on this server (RUST_RUNNER=off).",
    };
  }
  probed ??= probe();
  return probed;
}

function probe(): RustRunnerStatus {
  if (process.platform !== "linux")
    return { available: false, reason: "Running Rust needs a Linux server (bubblewrap sandbox)." };
  const lookup = cachedToolchain();
  if (!lookup.ok)
    return { available: false, reason: `Running Rust is unavailable: ${lookup.reason}.` };
  if (process.getuid?.() !== 0) {
    return {
      available: false,
      reason:
        "Running Rust is unavailable: the server must start as root so that each run can drop to its own unprivileged user.",
    };
  }
  // A real sandbox start, so a kernel or container that forbids namespaces is found now, not mid-lesson.
  const dir = mkdtempSync(path.join(tmpdir(), "courses-rust-probe-"));
  try {
    const passwd = path.join(dir, "passwd");
    writeFileSync(passwd, "sandbox:x:1:1::/work:/bin/sh\n");
    const filter = seccompProgram();
    const seccompFile = path.join(dir, "seccomp.bpf");
    if (filter) writeFileSync(seccompFile, filter);
    const args = buildBwrapArgs({
      toolchain: lookup.toolchain,
      workDir: dir,
      workWritable: false,
      passwdFile: passwd,
      groupFile: passwd,
      uid: 65534,
      seccompFile: filter ? seccompFile : undefined,
      command: [path.join(lookup.toolchain.sandboxSysroot, "bin", "rustc"), "--version"],
      env: { PATH: "/usr/bin:/bin" },
      limits: {
        wallMs: 10_000,
        addressSpaceBytes: 1024 ** 3,
        processes: 16,
        fileSizeBytes: 1024 ** 2,
        cpuSeconds: 10,
        openFiles: 64,
        tmpBytes: 1024 ** 2,
        outputBytes: 4096,
        groupMemoryBytes: 1024 ** 3,
        groupProcesses: 16,
      },
    });
    const fd = filter ? openSync(seccompFile, "r") : null;
    const result = spawnSync(lookup.toolchain.bwrap, args, {
      encoding: "utf8",
      timeout: 10_000,
      env: bwrapHostEnv(),
      stdio: ["ignore", "pipe", "pipe", fd ?? "ignore"],
    });
    if (fd !== null) closeSync(fd);
    if (result.status !== 0) {
      const detail = (result.stderr || result.error?.message || "no output").trim().split("\n")[0];
      return {
        available: false,
        reason: `Running Rust is unavailable: the sandbox does not start here (${detail}).`,
      };
    }
    return { available: true };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
