/**
 * Where learners' Rust builds run — chosen here and nowhere else:
 * - in-process (the embedded default, no REDIS_URL): this server builds, through the in-process
 *   queue of runner.ts (at most 2 at once);
 * - queue (REDIS_URL set): builds go on a BullMQ queue in Redis and `npm run rust:worker`
 *   processes build them (job-queue.ts, job-worker.ts); this server never runs cargo.
 * RUST_BUILDS=in-process|queue overrides the choice (queue needs REDIS_URL).
 */
import "server-only";
import { z } from "zod";
import { onShutdown } from "@/lib/http/shutdown";
import { logger } from "@/lib/http/log";
import { queueTimingsFromEnv } from "./job-protocol";
import { createJobBuildQueue } from "./job-queue";
import { runRustProject, type RunRustOptions } from "./runner";
import { rustRunnerStatus } from "./status";
import type { RustRunnerStatus, RustRunResult } from "./types";

type RustBuildService = {
  mode: "in-process" | "queue";
  run(files: unknown, options?: RunRustOptions): Promise<RustRunResult>;
  status(): RustRunnerStatus;
  /** Reaches a run streamed by another app instance; true if the ticket is this learner's. */
  cancelElsewhere(ticket: string, learner: string): Promise<boolean>;
};

const buildEnvSchema = z.object({
  RUST_BUILDS: z.enum(["in-process", "queue"]).optional(),
  REDIS_URL: z.string().optional(),
  RUST_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "RUST_QUEUE_PREFIX is 1–64 letters, digits, _ . or -")
    .default("courses"),
});

type RustBuildConfig = { mode: "in-process" } | { mode: "queue"; redisUrl: string; prefix: string };

/** Reads the choice from the environment; throws a sentence naming the variable on nonsense. */
export function rustBuildConfig(env: Record<string, string | undefined>): RustBuildConfig {
  const parsed = buildEnvSchema.safeParse({
    RUST_BUILDS: env.RUST_BUILDS || undefined,
    REDIS_URL: env.REDIS_URL || undefined,
    RUST_QUEUE_PREFIX: env.RUST_QUEUE_PREFIX || undefined,
  });
  if (!parsed.success)
    throw new Error(
      `Invalid Rust build configuration: ${parsed.error.issues.map((i) => `${i.path.join(".") || "RUST_BUILDS"}: ${i.message}`).join("; ")}`,
    );
  const { RUST_BUILDS, REDIS_URL, RUST_QUEUE_PREFIX } = parsed.data;
  const mode = RUST_BUILDS ?? (REDIS_URL ? "queue" : "in-process");
  if (mode === "in-process") return { mode };
  if (!REDIS_URL)
    throw new Error("RUST_BUILDS=queue needs REDIS_URL (the build queue lives in Redis).");
  return { mode, redisUrl: REDIS_URL, prefix: RUST_QUEUE_PREFIX };
}

const SERVICE = Symbol.for("courses.rust.buildService");
const REMOTE_CANCEL = Symbol.for("courses.rust.remoteCancel");
// On globalThis: the run, batch and cancel routes are bundled separately and share one service.
type GlobalWithService = typeof globalThis & {
  [SERVICE]?: { key: string; service: RustBuildService };
  [REMOTE_CANCEL]?: (ticket: string, learner: string) => void;
};
const store = globalThis as GlobalWithService;

const inProcess: RustBuildService = {
  mode: "in-process",
  run: runRustProject,
  status: rustRunnerStatus,
  cancelElsewhere: async () => false,
};

function service(): RustBuildService {
  const config = rustBuildConfig(process.env);
  const key = JSON.stringify(config);
  if (store[SERVICE]?.key === key) return store[SERVICE].service;
  if (config.mode === "in-process") {
    store[SERVICE] = { key, service: inProcess };
    return inProcess;
  }
  const queue = createJobBuildQueue({
    redisUrl: config.redisUrl,
    prefix: config.prefix,
    timings: queueTimingsFromEnv(process.env),
    onBuilt: (builtBy, jobId) => logger.info({ jobId, builtBy }, "rust build done by a worker"),
  });
  queue.onCancel((ticket, learner) => store[REMOTE_CANCEL]?.(ticket, learner));
  onShutdown("rust-build-queue", () => queue.close(), 40);
  const queued: RustBuildService = {
    mode: "queue",
    run: queue.run,
    // The workers have the toolchain; this server only needs Redis.
    status: () =>
      process.env.RUST_RUNNER === "off"
        ? {
            available: false,
            reason: "Running Rust is turned off on this server (RUST_RUNNER=off).",
          }
        : { available: true },
    cancelElsewhere: queue.broadcastCancel,
  };
  store[SERVICE] = { key, service: queued };
  return queued;
}

/** Builds and runs (or tests) a learner's project wherever this deployment builds. */
export function runRustBuild(files: unknown, options?: RunRustOptions): Promise<RustRunResult> {
  return service().run(files, options);
}

/** Whether this deployment can run Rust (the local toolchain, or the build queue). */
export function rustBuildStatus(): RustRunnerStatus {
  return service().status();
}

export function cancelRustBuildElsewhere(ticket: string, learner: string): Promise<boolean> {
  return service().cancelElsewhere(ticket, learner);
}

/** Who stops a run on this instance when a Stop arrived at another one (rust-run.ts). */
export function onRemoteCancel(listener: (ticket: string, learner: string) => void): void {
  store[REMOTE_CANCEL] = listener;
}
