import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import {
  createJobBuildQueue,
  NO_WORKER,
  ONE_BUILD_PER_LEARNER,
  WORKER_LOST,
  type JobBuildQueue,
} from "./job-queue";
import { startBuildWorker, type BuildWorker } from "./job-worker";
import type { RunRustOptions } from "./runner";
import type { ProjectFile, RustRunResult } from "./types";

// The queue mode's logic against the real Redis (REDIS_URL or the local one), with a fake build
// in place of cargo so that each step (waiting, building, stopping) is under the test's control.
// Every test uses its own key prefix, deleted afterwards.
const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const FAST = { lockMs: 1_500, maxWaitMs: 20_000 };

const files = (text: string): ProjectFile[] => [
  { path: "Cargo.toml", content: `[package]\nname = "t"\nversion = "0.1.0"\nedition = "2021"\n` },
  { path: "src/main.rs", content: `fn main() { println!("${text}"); }` },
];
const stdoutOf = (f: unknown) =>
  (f as ProjectFile[])
    .find((file) => file.path === "src/main.rs")
    ?.content.match(/println!\("(.*)"\)/)?.[1] ?? "";

const ok = (stdout: string): RustRunResult => ({
  status: "ok",
  exitCode: 0,
  stdout,
  stderr: "",
  diagnostics: [],
  compileMs: 1,
  runMs: 1,
  truncated: false,
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/** A fake build: records what it was asked, waits for its gate (or its abort signal). */
function fakeBuilds() {
  const started: string[] = [];
  const aborted: string[] = [];
  const gates = new Map<string, ReturnType<typeof gate>>();
  const gateOf = (name: string) => {
    let g = gates.get(name);
    if (!g) gates.set(name, (g = gate()));
    return g;
  };
  const build = async (f: unknown, options: RunRustOptions): Promise<RustRunResult> => {
    const name = stdoutOf(f);
    started.push(name);
    const signal = options.signal;
    const cancelled = new Promise<"aborted">((resolve) => {
      if (signal?.aborted) resolve("aborted");
      signal?.addEventListener("abort", () => resolve("aborted"), { once: true });
    });
    const how = await Promise.race([gateOf(name).opened.then(() => "done" as const), cancelled]);
    if (how === "aborted") {
      aborted.push(name);
      return { ...ok(""), status: "killed", message: "Stopped: the build was cancelled." };
    }
    return ok(`${name}\n`);
  };
  return { build, started, aborted, release: (name: string) => gateOf(name).open() };
}

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a condition");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let redis: Redis;
let prefix: string;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
});
const prefixes: string[] = [];
async function deleteKeys() {
  for (const used of prefixes) {
    const stale = await redis.keys(`${used}:*`);
    if (stale.length > 0) await redis.del(...stale);
  }
}
afterAll(async () => {
  // Closed workers and queues may write a last event after their test's cleanup.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await deleteKeys();
  redis.disconnect();
});

function newPrefix() {
  prefix = `courses-test-h19a-${randomUUID().slice(0, 8)}`;
  prefixes.push(prefix);
  return prefix;
}

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await deleteKeys();
});

function appQueue(timings = FAST): JobBuildQueue {
  const queue = createJobBuildQueue({ redisUrl: REDIS_URL, prefix, timings, pollMs: 50 });
  closers.push(() => queue.close());
  return queue;
}

async function worker(
  build: (f: unknown, o: RunRustOptions) => Promise<RustRunResult>,
  concurrency = 1,
): Promise<BuildWorker> {
  const started = await startBuildWorker({
    redisUrl: REDIS_URL,
    prefix,
    concurrency,
    lockMs: FAST.lockMs,
    build,
    id: `test-worker-${randomUUID().slice(0, 4)}`,
  });
  closers.push(() => started.close());
  return started;
}

describe("Rust builds on the BullMQ queue", () => {
  it("builds on a worker and returns its result", async () => {
    newPrefix();
    const fake = fakeBuilds();
    fake.release("hello");
    await worker(fake.build);
    const queue = appQueue();
    const positions: number[] = [];
    const result = await queue.run(files("hello"), {
      learner: "ada",
      onQueuePosition: (p) => positions.push(p),
    });
    expect(result).toEqual(ok("hello\n"));
    expect(fake.started).toEqual(["hello"]);
    expect(positions.at(-1)).toBe(0);
    // The learner's slot is free again: a second build is accepted.
    expect((await queue.run(files("hello"), { learner: "ada" })).status).toBe("ok");
  });

  it("refuses a second build of the same learner while one is queued or building, not others'", async () => {
    newPrefix();
    const fake = fakeBuilds();
    await worker(fake.build);
    const queue = appQueue();
    const first = queue.run(files("first"), { learner: "ada" });
    await until(() => fake.started.includes("first"));
    const second = await queue.run(files("second"), { learner: "ada" });
    expect(second.status).toBe("unavailable");
    expect(second.message).toBe(ONE_BUILD_PER_LEARNER);
    const other = queue.run(files("other"), { learner: "grace" });
    fake.release("first");
    fake.release("other");
    expect((await first).stdout).toBe("first\n");
    expect((await other).stdout).toBe("other\n");
    expect(fake.started).toEqual(["first", "other"]);
  });

  it("tells each learner their place in line, then 0 when a worker takes the build", async () => {
    newPrefix();
    const fake = fakeBuilds();
    await worker(fake.build, 1);
    const queue = appQueue();
    const seen: Record<string, number[]> = { a: [], b: [], c: [] };
    const runs = ["a", "b", "c"].map((name) =>
      queue.run(files(name), { learner: name, onQueuePosition: (p) => seen[name]?.push(p) }),
    );
    await until(() => fake.started.includes("a") && seen.c?.at(-1) === 2);
    expect(seen.b?.at(-1)).toBe(1);
    fake.release("a");
    await until(() => fake.started.includes("b") && seen.c?.at(-1) === 1);
    fake.release("b");
    fake.release("c");
    const results = await Promise.all(runs);
    expect(results.map((r) => r.stdout)).toEqual(["a\n", "b\n", "c\n"]);
    // Only moving forward: (3 while a was still waiting,) 2, 1, then building.
    expect(seen.c?.slice(-3)).toEqual([2, 1, 0]);
    expect(seen.c).toEqual([...(seen.c ?? [])].sort((x, y) => y - x));
    expect(seen.a?.at(-1)).toBe(0);
  });

  it("a Stop removes a waiting build and aborts a running one on its worker", async () => {
    newPrefix();
    const fake = fakeBuilds();
    await worker(fake.build, 1);
    const queue = appQueue();
    const running = new AbortController();
    const waiting = new AbortController();
    const first = queue.run(files("running"), { learner: "a", signal: running.signal });
    await until(() => fake.started.includes("running"));
    const second = queue.run(files("waiting"), { learner: "b", signal: waiting.signal });
    await until(async () => (await redis.llen(`${prefix}:rust-builds:wait`)) === 1);
    waiting.abort();
    expect((await second).message).toBe("Stopped: the build was cancelled.");
    running.abort();
    expect((await first).status).toBe("killed");
    await until(() => fake.aborted.includes("running"));
    // The removed job never reaches a worker, and both learners may build again.
    fake.release("again");
    expect((await queue.run(files("again"), { learner: "b" })).stdout).toBe("again\n");
    expect(fake.started).toEqual(["running", "again"]);
  });

  it("a Stop that reaches another app instance is passed to the one streaming the run", async () => {
    newPrefix();
    const fake = fakeBuilds();
    await worker(fake.build);
    const here = appQueue();
    const elsewhere = appQueue();
    const heard: string[] = [];
    here.onCancel((ticket, learner) => heard.push(`${ticket}/${learner}`));
    fake.release("t");
    await here.run(files("t"), { learner: "ada", ticket: "ticket-123456" });
    expect(await elsewhere.broadcastCancel("ticket-123456", "mallory")).toBe(false);
    expect(await elsewhere.broadcastCancel("ticket-123456", "ada")).toBe(true);
    await until(() => heard.length === 1);
    expect(heard).toEqual(["ticket-123456/ada"]);
  });

  it("says so at once when no worker is running", async () => {
    newPrefix();
    const result = await appQueue().run(files("x"), { learner: "ada" });
    expect(result.message).toBe(NO_WORKER);
  });

  it("retries a build once when its worker dies mid-build, and reports a second loss clearly", async () => {
    newPrefix();
    const queue = appQueue();
    // Workers in their own processes whose builds never end: killing one is a real crash.
    // Loading them is the slow part, so all three load at once and start taking jobs on cue.
    const [doomed, first, second] = [1, 2, 3].map(() => hangingWorker(prefix));
    if (!doomed || !first || !second) throw new Error("unreachable");
    await until(() => doomed.loaded && first.loaded && second.loaded, 30_000);
    await doomed.start();
    const positions: number[] = [];
    const run = queue.run(files("retried"), {
      learner: "ada",
      onQueuePosition: (p) => positions.push(p),
    });
    await until(() => doomed.building);
    doomed.child.kill("SIGKILL");
    const fake = fakeBuilds();
    fake.release("retried");
    const rescuer = await worker(fake.build);
    expect((await run).stdout).toBe("retried\n");
    expect(fake.started).toEqual(["retried"]);
    expect(positions).toContain(0);
    await rescuer.close();

    // Both attempts lost: the learner gets a sentence, not silence.
    await first.start();
    await second.start();
    const lostRun = queue.run(files("lost"), { learner: "grace" });
    await until(() => first.building || second.building);
    const [took, other] = first.building ? [first, second] : [second, first];
    took.child.kill("SIGKILL");
    await until(() => other.building, 20_000);
    other.child.kill("SIGKILL");
    // Stalled jobs are found by a live worker's check.
    const watcher = fakeBuilds();
    await worker(watcher.build);
    const result = await lostRun;
    expect(result.status).toBe("unavailable");
    expect(result.message).toBe(WORKER_LOST);
    expect(watcher.started).toEqual([]);
  }, 60_000);
});

/**
 * A build worker in a child process whose builds never finish (until it is killed). It loads at
 * once and starts taking jobs when `start()` is called.
 */
function hangingWorker(keyPrefix: string) {
  const workerModule = path.join(import.meta.dirname, "job-worker.ts");
  const code = `
    const { startBuildWorker } = await import(${JSON.stringify(workerModule)});
    console.log("loaded");
    await new Promise((resolve) => process.stdin.once("data", resolve));
    await startBuildWorker({
      redisUrl: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(keyPrefix)},
      concurrency: 1, lockMs: ${FAST.lockMs},
      build: () => { console.log("building"); return new Promise(() => {}); },
    });
    console.log("ready");`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "--input-type=module", "-e", code],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const handle = {
    child,
    loaded: false,
    ready: false,
    building: false,
    async start() {
      child.stdin?.write("go\n");
      await until(() => handle.ready);
    },
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    if (text.includes("loaded")) handle.loaded = true;
    if (text.includes("ready")) handle.ready = true;
    if (text.includes("building")) handle.building = true;
  });
  closers.push(async () => void child.kill("SIGKILL"));
  return handle;
}
