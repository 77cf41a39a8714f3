/**
 * `npm run rust:worker`: a Rust build worker for queue mode. Run any number, on any machine with
 * cargo and bubblewrap (as root, like the server's in-process runner), with the app's REDIS_URL
 * (and RUST_QUEUE_PREFIX if the app sets one). Each builds RUST_WORKER_CONCURRENCY jobs at once
 * (default 2) in the same sandbox as the in-process runner. SIGTERM/SIGINT finish the builds in
 * progress, then exit; a worker killed outright has its job retried once by another worker.
 */
import { z } from "zod";
import { rustBuildConfig } from "../lib/rust-sandbox/build-service";
import { queueTimingsFromEnv } from "../lib/rust-sandbox/job-protocol";
import { startBuildWorker } from "../lib/rust-sandbox/job-worker";
import { runRustProject } from "../lib/rust-sandbox/runner";
import { rustRunnerStatus } from "../lib/rust-sandbox/status";
import { logger } from "../lib/http/log";

const workerEnvSchema = z.object({
  RUST_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
});

async function main(): Promise<void> {
  const config = rustBuildConfig({ ...process.env, RUST_BUILDS: "queue" });
  if (config.mode !== "queue") throw new Error("unreachable: the worker always uses the queue");
  const env = workerEnvSchema.safeParse({
    RUST_WORKER_CONCURRENCY: process.env.RUST_WORKER_CONCURRENCY || undefined,
  });
  if (!env.success)
    throw new Error(`RUST_WORKER_CONCURRENCY: ${env.error.issues[0]?.message ?? "invalid"}`);
  const status = rustRunnerStatus();
  if (!status.available)
    throw new Error(`this machine cannot build Rust: ${status.reason ?? "unknown reason"}`);
  const worker = await startBuildWorker({
    redisUrl: config.redisUrl,
    prefix: config.prefix,
    concurrency: env.data.RUST_WORKER_CONCURRENCY,
    lockMs: queueTimingsFromEnv(process.env).lockMs,
    build: runRustProject,
    log: (message, fields) => logger.info({ component: "rust-worker", ...fields }, message),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "rust worker: finishing builds in progress, then exiting");
    worker.close().then(
      () => logger.flush(() => process.exit(0)),
      (error: unknown) => {
        logger.error({ err: error }, "rust worker: close failed");
        logger.flush(() => process.exit(1));
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "rust worker: could not start");
  logger.flush(() => process.exit(1));
});
