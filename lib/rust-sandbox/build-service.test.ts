import { describe, expect, it } from "vitest";
import { rustBuildConfig } from "./build-service";
import { queueTimingsFromEnv, waitingPositions } from "./job-protocol";

describe("where Rust builds run", () => {
  it("builds in-process without REDIS_URL and on the queue with it", () => {
    expect(rustBuildConfig({})).toEqual({ mode: "in-process" });
    expect(rustBuildConfig({ REDIS_URL: "" })).toEqual({ mode: "in-process" });
    expect(rustBuildConfig({ REDIS_URL: "redis://cache:6379" })).toEqual({
      mode: "queue",
      redisUrl: "redis://cache:6379",
      prefix: "courses",
    });
  });

  it("lets RUST_BUILDS force the choice, and explains a queue without Redis", () => {
    expect(rustBuildConfig({ REDIS_URL: "redis://r", RUST_BUILDS: "in-process" })).toEqual({
      mode: "in-process",
    });
    expect(
      rustBuildConfig({ REDIS_URL: "redis://r", RUST_BUILDS: "queue", RUST_QUEUE_PREFIX: "p-1" }),
    ).toEqual({ mode: "queue", redisUrl: "redis://r", prefix: "p-1" });
    expect(() => rustBuildConfig({ RUST_BUILDS: "queue" })).toThrow(/needs REDIS_URL/);
    expect(() => rustBuildConfig({ RUST_BUILDS: "elsewhere" })).toThrow(/RUST_BUILDS/);
    expect(() => rustBuildConfig({ REDIS_URL: "redis://r", RUST_QUEUE_PREFIX: "a b" })).toThrow(
      /RUST_QUEUE_PREFIX/,
    );
  });

  it("reads the queue's timings, with calm defaults", () => {
    expect(queueTimingsFromEnv({})).toEqual({ lockMs: 30_000, maxWaitMs: 120_000 });
    expect(
      queueTimingsFromEnv({ RUST_QUEUE_LOCK_MS: "3000", RUST_QUEUE_MAX_WAIT_SECONDS: "5" }),
    ).toEqual({ lockMs: 3_000, maxWaitMs: 5_000 });
    expect(() => queueTimingsFromEnv({ RUST_QUEUE_LOCK_MS: "10" })).toThrow(/RUST_QUEUE_LOCK_MS/);
  });

  it("numbers waiting jobs from the next one to be taken", () => {
    expect([...waitingPositions(["old", "new"])]).toEqual([
      ["old", 1],
      ["new", 2],
    ]);
  });
});
