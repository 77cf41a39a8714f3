/**
 * `npm run cluster:test`: the production topology on this machine — nginx in front of two app
 * instances and a Rust build worker (scripts/cluster/topology.ts), on the local Postgres (a
 * throwaway schema, migrated by the instances themselves under the advisory lock) and Redis (a
 * throwaway queue prefix) — and what must hold there:
 *   1. sign-up through the balancer; the session works on each instance;
 *   2. a burst of sync requests is limited across instances (one shared Redis counter);
 *   3. a Rust run is built by the worker, not an app instance, and its result reaches the learner;
 *   4. an app instance killed mid-traffic loses no acknowledged progress write, and the balancer
 *      routes around it;
 *   5. the worker killed mid-build: the job is retried on another worker and the learner gets it.
 * Needs a production build (`.next`, or NEXT_DIST_DIR), nginx, cargo + bubblewrap (as root).
 * Environment: DATABASE_URL (default the local test database), REDIS_URL (default local),
 * CLUSTER_BASE_PORT (default 3400).
 */
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { startCluster, type Cluster } from "./cluster/topology";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const BASE_PORT = Number(process.env.CLUSTER_BASE_PORT ?? 3400);
const SYNC_LIMIT = 40;
const LESSON = "rust/ownership/moves-and-borrows";
const CELL = "moves";
const PASSWORD = "cluster-password-123";

type Learner = { email: string; cookie: string };

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const step = (text: string) => console.log(`[${seconds()} s] ${text}`);

function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0])
    .join("; ");
}

async function signUp(cluster: Cluster): Promise<Learner> {
  const email = `cluster-${randomUUID().slice(0, 8)}@example.test`;
  const response = await fetch(`${cluster.url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: cluster.url },
    body: JSON.stringify({ name: "Cluster Learner", email, password: PASSWORD }),
  });
  assert.equal(
    response.status,
    200,
    `sign-up answered ${response.status}: ${await response.text()}`,
  );
  const cookie = cookiesOf(response);
  assert.match(cookie, /session_token=/, "sign-up set no session cookie");
  return { email, cookie };
}

function runMutation() {
  return {
    id: randomUUID(),
    kind: "run",
    lessonKey: LESSON,
    cellId: CELL,
    clientVersion: 0,
    at: Date.now(),
    payload: { status: "ok", durationMs: 5 },
  };
}

async function postSync(
  base: string,
  cluster: Cluster,
  learner: Learner,
  mutations: ReturnType<typeof runMutation>[],
): Promise<{ status: number; applied: string[] }> {
  const response = await fetch(`${base}/api/progress/sync`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: cluster.url, cookie: learner.cookie },
    body: JSON.stringify({ mutations }),
    signal: AbortSignal.timeout(15_000),
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    return { status: response.status, applied: [] };
  }
  const body = (await response.json()) as { applied: string[]; duplicates: string[] };
  return { status: 200, applied: [...body.applied, ...body.duplicates] };
}

type RustEvent = { type: string; position?: number; result?: { status: string; stdout: string } };

/** POST /api/rust/run through the balancer; calls onEvent for each NDJSON line; returns the result. */
async function runRust(
  cluster: Cluster,
  learner: Learner,
  main: string,
  onEvent: (event: RustEvent) => void = () => undefined,
): Promise<{ status: string; stdout: string }> {
  const files = [
    {
      path: "Cargo.toml",
      content: `[package]\nname = "ownership"\nversion = "0.1.0"\nedition = "2021"\n`,
    },
    { path: "src/main.rs", content: main },
  ];
  const response = await fetch(`${cluster.url}/api/rust/run`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: cluster.url, cookie: learner.cookie },
    body: JSON.stringify({ lessonKey: LESSON, cellId: CELL, files, mode: "run" }),
  });
  assert.equal(response.status, 200, `rust run answered ${response.status}`);
  assert.ok(response.body);
  const decoder = new TextDecoder();
  let buffered = "";
  let result: RustEvent["result"];
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const event = JSON.parse(line) as RustEvent;
      onEvent(event);
      if (event.type === "result") result = event.result;
    }
  }
  assert.ok(result, "the run's stream ended without a result");
  return result;
}

async function main(): Promise<void> {
  const schema = `cluster_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const databaseUrl = new URL(DATABASE_URL);
  databaseUrl.searchParams.set("schema", schema);
  const queuePrefix = `courses-test-h19a-${randomBytes(3).toString("hex")}`;
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const queue = new Queue("rust-builds", {
    connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
    prefix: queuePrefix,
  });
  let cluster: Cluster | null = null;
  try {
    step("starting nginx, 2 app instances and 1 Rust worker");
    cluster = await startCluster({
      apps: 2,
      workers: 1,
      basePort: BASE_PORT,
      env: {
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL,
        RUST_QUEUE_PREFIX: queuePrefix,
        RUST_QUEUE_LOCK_MS: "3000",
        SYNC_RATE_LIMIT_PER_MINUTE: String(SYNC_LIMIT),
        AUTH_RATE_LIMIT_PER_MINUTE: "1000",
        RUST_RATE_LIMIT_PER_MINUTE: "100",
        LOG_LEVEL: "warn",
      },
    });
    const [appA, appB] = cluster.apps;
    assert.ok(appA && appB);
    step(
      `cluster up at ${cluster.url} (apps ${appA.port}, ${appB.port}; logs in ${cluster.logDir})`,
    );

    // 1. A session made through the balancer works on each instance.
    const ada = await signUp(cluster);
    for (const app of cluster.apps) {
      const response = await fetch(`http://127.0.0.1:${app.port}/api/auth/get-session`, {
        headers: { cookie: ada.cookie },
      });
      const session = (await response.json()) as { user?: { email?: string } } | null;
      assert.equal(
        session?.user?.email,
        ada.email,
        `instance ${app.port} does not know the session`,
      );
    }
    step("1. signed up through the balancer; the session works on both instances");

    // 2. A burst alternating between the instances meets one limit, not one per instance.
    const burster = await signUp(cluster);
    const statuses: number[] = [];
    for (let i = 0; i < SYNC_LIMIT + 20; i++) {
      const app = i % 2 === 0 ? appA : appB;
      statuses.push(
        (await postSync(`http://127.0.0.1:${app.port}`, cluster, burster, [runMutation()])).status,
      );
    }
    const accepted = statuses.filter((s) => s === 200).length;
    const limited = statuses.filter((s) => s === 429).length;
    assert.equal(accepted, SYNC_LIMIT, `${accepted} of ${statuses.length} accepted`);
    assert.equal(limited, 20);
    step(
      `2. burst of ${statuses.length} across both instances: ${accepted} accepted, ${limited} × 429`,
    );

    // 3. A Rust run is built by the worker and its result reaches the learner.
    const worker = cluster.workers[0];
    assert.ok(worker);
    const hello = await runRust(cluster, ada, `fn main() { println!("built by a worker"); }`);
    assert.equal(hello.status, "ok", JSON.stringify(hello));
    assert.equal(hello.stdout, "built by a worker\n");
    const [done] = await queue.getCompleted();
    const builtBy = (done?.returnvalue as { builtBy?: { pid?: number } } | undefined)?.builtBy;
    assert.equal(builtBy?.pid, worker.pid, "the build was not done by the worker process");
    assert.ok(!cluster.apps.some((app) => app.pid === builtBy?.pid));
    step(
      `3. Rust run built by the worker (pid ${worker.pid}); result: ${JSON.stringify(hello.stdout)}`,
    );

    // 4. Kill an instance mid-traffic: every acknowledged write is stored; traffic goes on.
    const writers = await Promise.all([1, 2, 3, 4].map(() => signUp(cluster as Cluster)));
    const acknowledged: string[] = [];
    const failures: number[] = [];
    let killed = false;
    let afterKill = 0;
    const stopAt = Date.now() + 6_000;
    const killTimer = setTimeout(() => {
      appA.kill("SIGKILL");
      killed = true;
    }, 1_500);
    await Promise.all(
      writers.map(async (learner) => {
        for (let n = 0; n < SYNC_LIMIT - 5 && Date.now() < stopAt; n++) {
          const sent = await postSync(cluster!.url, cluster!, learner, [runMutation()]).catch(
            () => ({ status: 0, applied: [] as string[] }),
          );
          if (sent.status === 200) {
            acknowledged.push(...sent.applied);
            if (killed) afterKill += 1;
          } else failures.push(sent.status);
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      }),
    );
    clearTimeout(killTimer);
    assert.ok(killed, "the traffic ended before the instance was killed");
    const stored = await db.query<{ id: string }>(
      `SELECT "id"::text AS id FROM "${schema}"."sync_mutation" WHERE "id" = ANY($1::uuid[])`,
      [acknowledged],
    );
    const storedIds = new Set(stored.rows.map((row) => row.id));
    const lost = acknowledged.filter((id) => !storedIds.has(id));
    assert.equal(lost.length, 0, `${lost.length} acknowledged writes are missing`);
    assert.ok(afterKill >= 8, `only ${afterKill} writes were answered after the kill`);
    const viaBalancer = await fetch(`${cluster.url}/api/ready`);
    assert.equal(viaBalancer.status, 200);
    step(
      `4. killed app ${appA.port} mid-traffic: ${acknowledged.length} writes acknowledged, 0 lost, ${afterKill} answered after the kill, ${failures.length} not acknowledged (${[...new Set(failures)].join(", ") || "none"})`,
    );

    // 5. Kill the worker mid-build; a new worker retries the job; the learner gets the result.
    let building = false;
    const slow = runRust(
      cluster,
      ada,
      `fn main() { std::thread::sleep(std::time::Duration::from_millis(1500)); println!("survived"); }`,
      (event) => {
        if (event.type === "queue" && event.position === 0) building = true;
      },
    );
    const deadline = Date.now() + 30_000;
    while (!building && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(building, "the build never started");
    await new Promise((resolve) => setTimeout(resolve, 300));
    worker.kill("SIGKILL");
    const rescuer = cluster.addWorker();
    const survived = await slow;
    assert.equal(survived.status, "ok", JSON.stringify(survived));
    assert.equal(survived.stdout, "survived\n");
    const retried = (await queue.getCompleted()).find(
      (job) =>
        (job.returnvalue as { result?: { stdout?: string } }).result?.stdout === "survived\n",
    );
    const retriedBy = (retried?.returnvalue as { builtBy?: { pid?: number } }).builtBy?.pid;
    assert.equal(retriedBy, rescuer.pid, "the retry was not built by the new worker");
    assert.ok((retried?.stalledCounter ?? 0) >= 1, "the job was not retried after a stall");
    step(
      `5. worker killed mid-build; retried on worker ${rescuer.pid}; the learner got the result`,
    );
    step("cluster test passed");
  } finally {
    await cluster?.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await db.end();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[${seconds()} s] cluster test FAILED:`, error);
    process.exit(1);
  },
);
