/**
 * A Rust build worker of queue mode (`npm run rust:worker`): takes jobs from the BullMQ queue,
 * builds each in the sandbox (runner.ts, injected as `build`), and returns the result with who
 * built it. A Stop reaches the build through the abort channel (BullMQ's own job cancellation
 * gives the processor an AbortSignal). When the worker dies mid-build, its job's lock expires
 * and another worker's stalled-job check puts it back once (maxStalledCount 1); a second loss
 * fails it, which the app tells the learner.
 */
import "server-only";
import { hostname } from "node:os";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import {
  BUILD_QUEUE_NAME,
  buildJobDataSchema,
  buildQueueKeys,
  COMPARE_AND_DELETE,
  type BuildJobData,
  type BuildJobResult,
} from "./job-protocol";
import type { RunRustOptions } from "./runner";
import { describeZodError, stoppedResult, type RustRunResult } from "./types";

type BuildWorkerOptions = {
  redisUrl: string;
  prefix: string;
  /** Builds at once on this worker (each uses up to both cores for a moment). */
  concurrency: number;
  lockMs: number;
  build(files: unknown, options: RunRustOptions): Promise<RustRunResult>;
  /** Names this worker in results and logs (default host:pid). */
  id?: string;
  log?: (message: string, fields?: Record<string, unknown>) => void;
};

export type BuildWorker = { id: string; close(): Promise<void> };

export async function startBuildWorker(options: BuildWorkerOptions): Promise<BuildWorker> {
  const { redisUrl, prefix, lockMs } = options;
  const id = options.id ?? `${hostname()}:${process.pid}`;
  const log = options.log ?? (() => undefined);
  const keys = buildQueueKeys(prefix);
  const connect = () => new Redis(redisUrl, { maxRetriesPerRequest: null });
  const redis = connect();
  redis.on("error", () => undefined);
  const subscriber = connect();
  subscriber.on("error", () => undefined);

  const worker = new Worker<BuildJobData, BuildJobResult>(
    BUILD_QUEUE_NAME,
    async (job, _token, signal) => {
      const builtBy = { worker: id, host: hostname(), pid: process.pid };
      const jobId = job.id ?? "";
      const data = buildJobDataSchema.safeParse(job.data);
      if (!data.success)
        return {
          result: stoppedResult(
            "unavailable",
            `This build job is malformed (${describeZodError(data.error)}).`,
          ),
          builtBy,
        };
      try {
        if (await redis.exists(keys.cancelled(jobId)))
          return { result: stoppedResult("killed", "Stopped: the build was cancelled."), builtBy };
        const started = Date.now();
        log("build started", { jobId, attempt: job.attemptsStarted, stalls: job.stalledCounter });
        const result = await options.build(data.data.files, { mode: data.data.mode, signal });
        log("build done", { jobId, status: result.status, ms: Date.now() - started });
        return { result, builtBy };
      } finally {
        await redis
          .eval(COMPARE_AND_DELETE, 1, keys.learner(data.data.learner), jobId)
          .catch(() => undefined);
      }
    },
    {
      connection: connect(),
      prefix,
      concurrency: options.concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 1,
      name: id,
    },
  );
  worker.on("error", (error) => log("worker error", { err: error.message }));

  subscriber.on("message", (channel, jobId) => {
    if (channel === keys.abortChannel && worker.cancelJob(jobId, "cancelled by the learner"))
      log("build cancelled", { jobId });
  });
  await subscriber.subscribe(keys.abortChannel);
  await worker.waitUntilReady();
  log("worker ready", { id, concurrency: options.concurrency, lockMs });

  return {
    id,
    async close() {
      await worker.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
