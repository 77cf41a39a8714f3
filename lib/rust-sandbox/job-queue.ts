/**
 * Rust builds on a BullMQ queue in Redis (queue mode, chosen in build-service.ts when REDIS_URL
 * is set): the app enqueues, `npm run rust:worker` processes anywhere build them
 * (job-worker.ts). The learner's side stays the in-process queue's: queue positions while the
 * job waits (0 once a worker took it), then exactly one result.
 *
 * - Fairness: at most one build per learner is queued or building at a time (a Redis key held
 *   for the job); a second one is refused with a sentence saying why, never silently dropped.
 * - Stop and timeouts: a waiting job is removed; a building one is aborted through a pub/sub
 *   message to the workers, which kill the sandbox.
 * - A worker killed mid-build: BullMQ's stalled-job check puts the job back (once); the learner
 *   sees a queue position again, then the retry's result. A second loss fails the job, and the
 *   learner gets a clear error.
 * - Metrics (as the in-process queue's, under queue "bullmq"): the depth is BullMQ's waiting and
 *   delayed counts; wait and build times are measured here, on this server's clock, from the add
 *   to the first "building" (position 0) and from there to the result.
 */
import "server-only";
import { randomUUID } from "node:crypto";
import { Queue, QueueEvents, type Job } from "bullmq";
import { Redis } from "ioredis";
import {
  appMetrics,
  cachedDepthSource,
  observeRustBuild,
  observeRustQueueWait,
  setRustQueueDepthSource,
  type AppMetrics,
} from "@/lib/metrics/metrics";
import { COMPILE_LIMITS, RUN_LIMITS } from "./limits";
import {
  BUILD_QUEUE_NAME,
  buildJobResultSchema,
  buildQueueKeys,
  cancelMessageSchema,
  COMPARE_AND_DELETE,
  waitingPositions,
  type BuildJobData,
  type BuildJobResult,
  type QueueTimings,
} from "./job-protocol";
import { describeZodError, projectFilesSchema, stoppedResult, type RustRunResult } from "./types";
import type { RunRustOptions } from "./runner";

type JobBuildQueueOptions = {
  redisUrl: string;
  /** BullMQ's key prefix (tests use their own). */
  prefix: string;
  timings: QueueTimings;
  /** How often waiting positions are refreshed. */
  pollMs?: number;
  onBuilt?: (built: BuildJobResult["builtBy"], jobId: string) => void;
  /** Where queue depth, wait and build times are recorded (tests pass their own). */
  metrics?: AppMetrics;
};

export type JobBuildQueue = {
  run(files: unknown, options?: RunRustOptions): Promise<RustRunResult>;
  /** A learner's Stop that reached this instance: tells every instance; true if the ticket is theirs. */
  broadcastCancel(ticket: string, learner: string): Promise<boolean>;
  /** Called on every instance for each Stop (the one streaming that ticket aborts it). */
  onCancel(listener: (ticket: string, learner: string) => void): void;
  close(): Promise<void>;
};

export const ONE_BUILD_PER_LEARNER =
  "You already have a Rust build waiting or running. Wait for its result (or press Stop), then run again.";
export const NO_WORKER =
  "No Rust build worker is running right now, so nothing can build your code. Please try again later.";
export const WORKER_LOST =
  "The build worker stopped while building your code, and again on the retry. Please run again.";
const CANCELLED = "Stopped: the build was cancelled.";

type Pending = {
  jobId: string;
  mode: BuildJobData["mode"];
  /** performance.now() when it was added, and when it was first seen building. */
  enqueuedAt: number;
  startedAt: number | null;
  onPosition?: (position: number) => void;
  lastPosition: number | null;
  /** Bumped on each report: a poll that started before a newer report must not undo it. */
  reportedAt: number;
  /** True once answered: the completion event and the poller may both see the result. */
  settled: boolean;
  settle(result: RustRunResult): void;
};

const TICKET_TTL_SECONDS = 15 * 60;
const METRICS_QUEUE = "bullmq";

export function createJobBuildQueue(options: JobBuildQueueOptions): JobBuildQueue {
  const { redisUrl, prefix, timings } = options;
  const pollMs = options.pollMs ?? 300;
  const keys = buildQueueKeys(prefix);
  const connect = () => new Redis(redisUrl, { maxRetriesPerRequest: null });
  const redis = connect();
  redis.on("error", () => undefined);
  const queue = new Queue<BuildJobData, BuildJobResult>(BUILD_QUEUE_NAME, {
    connection: connect(),
    prefix,
  });
  queue.on("error", () => undefined);
  const events = new QueueEvents(BUILD_QUEUE_NAME, { connection: connect(), prefix });
  events.on("error", () => undefined);
  const subscriber = connect();
  subscriber.on("error", () => undefined);
  const metrics = options.metrics ?? appMetrics();
  const removeDepthSource = setRustQueueDepthSource(
    METRICS_QUEUE,
    cachedDepthSource(async () => {
      const counts = await queue.getJobCounts("waiting", "delayed");
      return Object.values(counts).reduce((sum, count) => sum + count, 0);
    }),
    metrics,
  );
  const pending = new Map<string, Pending>();
  const cancelListeners: ((ticket: string, learner: string) => void)[] = [];
  const ready = Promise.all([
    events.waitUntilReady(),
    subscriber.subscribe(keys.cancelChannel),
  ]).then(() => undefined);

  subscriber.on("message", (channel, message) => {
    if (channel !== keys.cancelChannel) return;
    const parsed = cancelMessageSchema.safeParse(safeJson(message));
    if (!parsed.success) return;
    for (const listener of cancelListeners) listener(parsed.data.ticket, parsed.data.learner);
  });

  // Results arrive as events; the poller below also settles jobs whose event was missed.
  events.on("completed", ({ jobId, returnvalue }) => {
    const entry = pending.get(jobId);
    if (entry) complete(entry, returnvalue);
  });
  events.on("failed", ({ jobId, failedReason }) => {
    const entry = pending.get(jobId);
    if (entry) entry.settle(failedResult(failedReason));
  });
  events.on("active", ({ jobId }) => report(pending.get(jobId), 0));

  /** The first time a worker is seen building it: its wait is over (a retry's second wait is not counted). */
  function markStarted(entry: Pending, at = performance.now()) {
    if (entry.startedAt !== null) return;
    entry.startedAt = at;
    observeRustQueueWait(METRICS_QUEUE, Math.max(0, at - entry.enqueuedAt) / 1000, metrics);
  }

  /** Answers with the worker's result, counting the build once however many ways it was seen. */
  function complete(entry: Pending, value: unknown) {
    if (!entry.settled) entry.settle(resultOf(entry, value));
  }

  function resultOf(entry: Pending, value: unknown): RustRunResult {
    const parsed = buildJobResultSchema.safeParse(
      typeof value === "string" ? safeJson(value) : value,
    );
    if (!parsed.success)
      return stoppedResult(
        "unavailable",
        `The build worker sent a result this server cannot read (${describeZodError(parsed.error)}); is it running the same version?`,
      );
    options.onBuilt?.(parsed.data.builtBy, entry.jobId);
    const now = performance.now();
    markStarted(entry, now);
    observeRustBuild(
      entry.mode,
      parsed.data.result.status,
      (now - (entry.startedAt ?? now)) / 1000,
      metrics,
    );
    return parsed.data.result;
  }

  let reports = 0;
  function report(entry: Pending | undefined, position: number, seenAt = Infinity) {
    if (entry && position === 0) markStarted(entry);
    if (!entry || entry.lastPosition === position || entry.reportedAt > seenAt) return;
    entry.lastPosition = position;
    entry.reportedAt = ++reports;
    entry.onPosition?.(position);
  }

  let polling: NodeJS.Timeout | null = null;
  let pollInFlight = false;
  async function poll() {
    if (pollInFlight || pending.size === 0) return;
    pollInFlight = true;
    const seenAt = reports;
    try {
      const positions = waitingPositions(await queue.getRanges(["wait"], 0, -1, true));
      for (const entry of pending.values()) {
        const position = positions.get(entry.jobId);
        if (position !== undefined) {
          report(entry, position, seenAt);
          continue;
        }
        const state = await queue.getJobState(entry.jobId);
        if (state === "active") report(entry, 0, seenAt);
        else if (state === "completed" || state === "failed") {
          const job = (await queue.getJob(entry.jobId)) as
            Job<BuildJobData, BuildJobResult> | undefined;
          if (!job) continue;
          // Building and done between two looks: the worker's own clock says how long it built.
          if (job.processedOn && job.finishedOn)
            markStarted(entry, performance.now() - (job.finishedOn - job.processedOn));
          if (state === "completed") complete(entry, job.returnvalue);
          else entry.settle(failedResult(job.failedReason));
        } else if (state === "unknown") {
          entry.settle(
            stoppedResult(
              "unavailable",
              "Your build left the queue without a result. Please run again.",
            ),
          );
        }
      }
    } catch {
      // Redis hiccup: the next tick tries again; the deadlines still hold.
    } finally {
      pollInFlight = false;
    }
  }
  function ensurePolling() {
    polling ??= setInterval(() => {
      if (pending.size === 0 && polling) {
        clearInterval(polling);
        polling = null;
        return;
      }
      void poll();
    }, pollMs);
    polling.unref?.();
  }

  /** Removes a waiting job, or tells the workers to stop building it. */
  async function stopJob(jobId: string) {
    await redis.set(keys.cancelled(jobId), "1", "EX", 120);
    try {
      await queue.remove(jobId);
    } catch {
      // Locked: a worker is building it.
    }
    await redis.publish(keys.abortChannel, jobId);
  }

  const buildBudgetMs =
    2 * (COMPILE_LIMITS.wallMs + RUN_LIMITS.wallMs + 10_000) + 3 * timings.lockMs;

  async function run(files: unknown, runOptions: RunRustOptions = {}): Promise<RustRunResult> {
    const parsed = projectFilesSchema.safeParse(files);
    if (!parsed.success) {
      const message = `The project was refused: ${describeZodError(parsed.error)}.`;
      return stoppedResult("compile-error", message, `${message}\n`);
    }
    const { signal, learner, ticket } = runOptions;
    if (!learner) throw new Error("queue mode needs the learner's id for each build");
    if (signal?.aborted) return stoppedResult("killed", CANCELLED);
    await ready;
    if ((await queue.getWorkersCount()) === 0) return stoppedResult("unavailable", NO_WORKER);
    const jobId = randomUUID();
    const learnerKey = keys.learner(learner);
    const held = await redis.set(
      learnerKey,
      jobId,
      "PX",
      timings.maxWaitMs + buildBudgetMs + 10_000,
      "NX",
    );
    if (held !== "OK") return stoppedResult("unavailable", ONE_BUILD_PER_LEARNER);
    if (ticket) await redis.set(keys.ticket(ticket), learner, "EX", TICKET_TTL_SECONDS);

    let settle!: (result: RustRunResult) => void;
    const outcome = new Promise<RustRunResult>((resolve) => (settle = resolve));
    const mode = runOptions.mode ?? "run";
    const entry: Pending = {
      jobId,
      mode,
      enqueuedAt: performance.now(),
      startedAt: null,
      onPosition: runOptions.onQueuePosition,
      lastPosition: null,
      reportedAt: 0,
      settled: false,
      settle: (result) => {
        if (entry.settled) return;
        entry.settled = true;
        settle(result);
      },
    };
    pending.set(jobId, entry);
    const onAbort = () => {
      void stopJob(jobId).catch(() => undefined);
      entry.settle(stoppedResult("killed", CANCELLED));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    // Waiting too long (no worker free), then building too long (workers lost): answer, stop it.
    const waitTimer = setTimeout(() => {
      if (entry.lastPosition === 0) return;
      void stopJob(jobId).catch(() => undefined);
      entry.settle(
        stoppedResult(
          "unavailable",
          `No build worker was free for ${Math.round(timings.maxWaitMs / 1000)} s (the queue is busy). Please try again in a moment.`,
        ),
      );
    }, timings.maxWaitMs);
    const deadline = setTimeout(() => {
      void stopJob(jobId).catch(() => undefined);
      entry.settle(
        stoppedResult(
          "timeout",
          `No result from the build workers within ${Math.round((timings.maxWaitMs + buildBudgetMs) / 1000)} s. Please run again.`,
        ),
      );
    }, timings.maxWaitMs + buildBudgetMs);
    try {
      await queue.add(
        "build",
        { files: parsed.data, mode, learner },
        {
          jobId,
          attempts: 1,
          removeOnComplete: { age: 3600, count: 1000 },
          removeOnFail: { age: 24 * 3600, count: 1000 },
        },
      );
      ensurePolling();
      void poll();
      return await outcome;
    } finally {
      clearTimeout(waitTimer);
      clearTimeout(deadline);
      signal?.removeEventListener("abort", onAbort);
      pending.delete(jobId);
      await redis.eval(COMPARE_AND_DELETE, 1, learnerKey, jobId).catch(() => undefined);
    }
  }

  return {
    run,
    async broadcastCancel(ticket, learner) {
      if ((await redis.get(keys.ticket(ticket))) !== learner) return false;
      await redis.publish(keys.cancelChannel, JSON.stringify({ ticket, learner }));
      return true;
    },
    onCancel(listener) {
      cancelListeners.push(listener);
    },
    async close() {
      removeDepthSource();
      if (polling) clearInterval(polling);
      await Promise.allSettled([events.close(), queue.close()]);
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}

function failedResult(reason: string | undefined): RustRunResult {
  if (reason && /stalled/i.test(reason)) return stoppedResult("unavailable", WORKER_LOST);
  return stoppedResult(
    "unavailable",
    `The Rust build worker failed (${reason ?? "no reason given"}). Please run again.`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
