/**
 * What the app and the Rust build workers say to each other through Redis (BullMQ queue mode):
 * the queue's name, the job's data and return value (parsed with zod on both sides: another
 * machine's worker is a boundary), and the keys and channels next to the queue. Pure.
 */
import { z } from "zod";
import { projectFilesSchema, rustRunResultSchema } from "./types";

export const BUILD_QUEUE_NAME = "rust-builds";

export const buildJobDataSchema = z.object({
  files: projectFilesSchema,
  mode: z.enum(["run", "test"]),
  /** The learner's id: at most one of their builds is queued or building at a time. */
  learner: z.string().min(1),
});
export type BuildJobData = z.infer<typeof buildJobDataSchema>;

/** Who built it: the worker's id, host and pid, so operators (and the cluster test) can tell. */
const builtBySchema = z.object({ worker: z.string(), host: z.string(), pid: z.number() });

export const buildJobResultSchema = z.object({
  result: rustRunResultSchema,
  builtBy: builtBySchema,
});
export type BuildJobResult = z.infer<typeof buildJobResultSchema>;

/** Keys and pub/sub channels beside BullMQ's own, under the same prefix. */
export function buildQueueKeys(prefix: string) {
  const base = `${prefix}:${BUILD_QUEUE_NAME}`;
  return {
    /** learner id → the job id of their one queued or running build. */
    learner: (learner: string) => `${base}:learner:${learner}`,
    /** ticket → learner id, so a Stop that reaches another app instance can be checked. */
    ticket: (ticket: string) => `${base}:ticket:${ticket}`,
    /** Set when a job was cancelled, so a worker that picks it up in that moment skips it. */
    cancelled: (jobId: string) => `${base}:cancelled:${jobId}`,
    /** Channel: a learner pressed Stop ({ ticket, learner }); the instance streaming the run aborts it. */
    cancelChannel: `${base}:cancel`,
    /** Channel: a job id whose build must stop; the worker building it aborts the sandbox. */
    abortChannel: `${base}:abort`,
  };
}

export const cancelMessageSchema = z.object({ ticket: z.string(), learner: z.string() });

/** Deletes a key only while it still holds the expected value (a lock released by its owner). */
export const COMPARE_AND_DELETE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/** Timing of the queue: short in tests (stalled-job detection), calm in production. */
export type QueueTimings = {
  /** A worker holds a job's lock this long between renewals; a dead worker's job is retried after it. */
  lockMs: number;
  /** How long a build may wait for a worker before the learner is told to try again. */
  maxWaitMs: number;
};

const timingsEnvSchema = z.object({
  RUST_QUEUE_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  RUST_QUEUE_MAX_WAIT_SECONDS: z.coerce.number().int().min(1).max(3_600).default(120),
});

export function queueTimingsFromEnv(env: Record<string, string | undefined>): QueueTimings {
  const parsed = timingsEnvSchema.safeParse({
    RUST_QUEUE_LOCK_MS: env.RUST_QUEUE_LOCK_MS || undefined,
    RUST_QUEUE_MAX_WAIT_SECONDS: env.RUST_QUEUE_MAX_WAIT_SECONDS || undefined,
  });
  if (!parsed.success)
    throw new Error(
      `Invalid Rust queue configuration: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return {
    lockMs: parsed.data.RUST_QUEUE_LOCK_MS,
    maxWaitMs: parsed.data.RUST_QUEUE_MAX_WAIT_SECONDS * 1000,
  };
}

/** Positions the learner sees: 1 for the next job a worker takes, 2 after it, … */
export function waitingPositions(waitIdsOldestFirst: string[]): Map<string, number> {
  return new Map(waitIdsOldestFirst.map((id, index) => [id, index + 1]));
}
