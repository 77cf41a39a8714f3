/** The sandbox's limits, in one place (docs/rust-runner.md explains each). */
import "server-only";
import type { SandboxLimits } from "./sandbox";

export const OUTPUT_LIMIT_BYTES = 64 * 1024;
export const MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;

export const COMPILE_LIMITS: SandboxLimits = {
  wallMs: 20_000,
  addressSpaceBytes: MEMORY_LIMIT_BYTES,
  // cargo + rustc + the linker, with their threads (RLIMIT_NPROC counts threads).
  processes: 128,
  // A std-only debug binary is a few MB; this only bounds what a build can write to the host disk.
  fileSizeBytes: 64 * 1024 * 1024,
  cpuSeconds: 40,
  openFiles: 1024,
  tmpBytes: 64 * 1024 * 1024,
  // cargo's JSON messages, not shown verbatim; the rendered text is cut to OUTPUT_LIMIT_BYTES later.
  outputBytes: 4 * 1024 * 1024,
  // cargo + up to two rustc at once (-j2) + the linker, together.
  groupMemoryBytes: 1024 * 1024 * 1024,
  groupProcesses: 256,
};

export const RUN_LIMITS: SandboxLimits = {
  wallMs: 5_000,
  addressSpaceBytes: MEMORY_LIMIT_BYTES,
  processes: 32,
  fileSizeBytes: 16 * 1024 * 1024,
  cpuSeconds: 10,
  openFiles: 256,
  tmpBytes: 16 * 1024 * 1024,
  outputBytes: OUTPUT_LIMIT_BYTES,
  groupMemoryBytes: MEMORY_LIMIT_BYTES,
  groupProcesses: 64,
};
