import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createAppMetrics } from "@/lib/metrics/metrics";
import { createJobBuildQueue } from "./job-queue";
import { startBuildWorker } from "./job-worker";
import type { ProjectFile, RustRunResult } from "./types";

// Queue mode's metrics against the real Redis, with an in-test worker whose build is a gate the
// test opens: the depth comes from BullMQ's counts, and one build's wait and duration are
// recorded under queue "bullmq" and the build's mode and status.
const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `courses-test-h19c-${randomUUID().slice(0, 8)}`;

const files = (text: string): ProjectFile[] => [
  { path: "Cargo.toml", content: `[package]\nname = "t"\nversion = "0.1.0"\nedition = "2021"\n` },
  { path: "src/main.rs", content: `fn main() { println!("${text}"); }` },
];

/** The value of one sample line of the exposition, e.g. `name{a="b"} 3`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
afterAll(async () => {
  // Closed workers and queues may write a last event after the test.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

describe("queue mode metrics", () => {
  it("records BullMQ's waiting jobs, and each build's wait and duration, and stops reporting on close", async () => {
    const metrics = createAppMetrics({ defaults: false });
    const started: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const worker = await startBuildWorker({
      redisUrl: REDIS_URL,
      prefix,
      concurrency: 1,
      lockMs: 30_000,
      id: "metrics-test-worker",
      build: async (): Promise<RustRunResult> => {
        started.push("build");
        await released;
        return {
          status: "ok",
          exitCode: 0,
          stdout: "built\n",
          stderr: "",
          diagnostics: [],
          compileMs: 1,
          runMs: 1,
          truncated: false,
        };
      },
    });
    const queue = createJobBuildQueue({
      redisUrl: REDIS_URL,
      prefix,
      // No stall detection needed here: a long lock, so a loaded machine cannot make a retry.
      timings: { lockMs: 30_000, maxWaitMs: 20_000 },
      pollMs: 50,
      metrics,
    });
    const exposition = () => metrics.registry.metrics();
    try {
      const first = queue.run(files("first"), { learner: "ada", mode: "test" });
      await until(() => started.length === 1);
      // The worker is busy: the next two builds wait in BullMQ's list, and the depth says so
      // (waiting jobs only, not the one building).
      const waiting = [
        queue.run(files("second"), { learner: "grace" }),
        queue.run(files("third"), { learner: "alan" }),
      ];
      await until(
        async () => sample(await exposition(), 'courses_rust_queue_depth{queue="bullmq"}') === 2,
      );
      const waitCount = async () =>
        sample(await exposition(), 'courses_rust_queue_wait_seconds_count{queue="bullmq"}');
      expect(await waitCount()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      expect((await first).stdout).toBe("built\n");
      for (const run of waiting) expect((await run).stdout).toBe("built\n");

      const text = await exposition();
      expect(await waitCount()).toBe(3);
      // The others waited for the first build (>= 100 ms), so the waits are not all near zero.
      expect(
        sample(text, 'courses_rust_queue_wait_seconds_sum{queue="bullmq"}'),
      ).toBeGreaterThanOrEqual(0.2);
      expect(
        sample(text, 'courses_rust_build_duration_seconds_count{mode="test",status="ok"}'),
      ).toBe(1);
      expect(
        sample(text, 'courses_rust_build_duration_seconds_sum{mode="test",status="ok"}'),
      ).toBeGreaterThanOrEqual(0.1);
      expect(
        sample(text, 'courses_rust_build_duration_seconds_count{mode="run",status="ok"}'),
      ).toBe(2);
      await until(
        async () => sample(await exposition(), 'courses_rust_queue_depth{queue="bullmq"}') === 0,
      );
    } finally {
      // A failed expectation must not leave the worker's build waiting forever on close.
      release();
      await queue.close();
      await worker.close();
    }
    // A closed queue no longer answers for the depth: its series is gone, not stale.
    expect(await exposition()).not.toContain('courses_rust_queue_depth{queue="bullmq"}');
  });
});
