/**
 * `npm run bench:cluster -- --json`: simulated learners through the balancer of a local
 * production topology (scripts/cluster/topology.ts: nginx, app instances, one Rust worker)
 * against the local Postgres (a throwaway schema) and Redis (its own database number), first with
 * 1 app instance, then with 2. Each learner signs in, opens a lesson page, reads their catalogue
 * progress, sends sync batches (code edits and a lesson visit), reads the catalogue again; every
 * (learners / builds)-th learner also builds and runs a Rust cell. Afterwards every learner's
 * progress is read back: a write the server acknowledged and that is missing is "lost" (must be 0).
 *
 * Prints one JSON line per topology: throughput, p50/p99 per request kind, lost writes, and the
 * CPU seconds each process used (from /proc/<pid>/stat, the process and its children: app
 * instances, the worker with its cargo builds, nginx, the Postgres backends, redis-server).
 *
 * Needs a production build (NEXT_DIST_DIR or .next) and nginx. Options: --learners N (1000)
 * --builds N (50) --batches N (3 sync batches per learner) --concurrency N (learners in flight,
 * 50) --apps 1,2 --quick (200 learners, 10 builds: about 2 minutes here) --base-port N (3420)
 * --json. Users are created directly in the database with one password hash made by a real
 * sign-up (hashing 1,000 passwords would dominate the run; signing in still verifies each).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import { readCatalog } from "@/lib/content/catalog";
import { parseConnectionTarget } from "@/lib/db/env";
import { applyMigrations } from "@/lib/db/migrate";
import { startCluster, type Cluster } from "../scripts/cluster/topology";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    quick: { type: "boolean", default: false },
    learners: { type: "string" },
    builds: { type: "string" },
    batches: { type: "string", default: "3" },
    concurrency: { type: "string", default: "50" },
    apps: { type: "string", default: "1,2" },
    "base-port": { type: "string", default: "3420" },
  },
});
function whole(name: string, text: string | undefined, fallback: number, min = 1): number {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < min) {
    console.error(`bench:cluster: --${name} must be a whole number ≥ ${min}`);
    process.exit(2);
  }
  return value;
}
const LEARNERS = whole("learners", values.learners, values.quick ? 200 : 1000);
const BUILDS = Math.min(LEARNERS, whole("builds", values.builds, values.quick ? 10 : 50, 0));
const BATCHES = whole("batches", values.batches, 3);
const CONCURRENCY = whole("concurrency", values.concurrency, 50);
const BASE_PORT = whole("base-port", values["base-port"], 3420);
const APP_COUNTS = (values.apps ?? "1,2").split(",").map((n) => whole("apps", n.trim(), 1));
const EDITS = 2;
const PASSWORD = "bench-cluster-password-1";
const log = (message: string) =>
  (values.json ? process.stderr : process.stdout).write(`${message}\n`);

const round1 = (value: number) => Math.round(value * 10) / 10;
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---- CPU accounting from /proc (clock ticks of 10 ms: utime, stime, cutime, cstime) ----

function statFields(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  } catch {
    return null;
  }
}
/** CPU ms of a process and of its children that ended (cargo, rustc of finished builds). */
function cpuMsOf(pid: number): number {
  const f = statFields(pid);
  if (!f) return 0;
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
}
function allProcesses(): { pid: number; ppid: number; comm: string }[] {
  const out: { pid: number; ppid: number; comm: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      out.push({ pid: Number(entry), ppid: Number(statFields(Number(entry))?.[1]), comm });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
/** A process and every live descendant, CPU summed (each counts its reaped children itself). */
function treeCpuMs(rootPid: number, processes = allProcesses()): number {
  const children = new Map<number, number[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  let total = 0;
  const walk = (pid: number) => {
    total += cpuMsOf(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(rootPid);
  return total;
}

type CpuProbe = { name: string; read(): number };

async function cpuProbes(cluster: Cluster, db: Database): Promise<CpuProbe[]> {
  const processes = allProcesses();
  const nginx = processes.filter((p) => p.comm === "nginx" && p.ppid === process.pid);
  const redis = processes.filter((p) => p.comm === "redis-server");
  const backends = await db.backendPids();
  return [
    ...cluster.apps.map((app) => ({
      name: `app:${app.port}`,
      read: () => treeCpuMs(app.pid),
    })),
    ...cluster.workers.map((worker, i) => ({
      name: `rust-worker:${i + 1}`,
      read: () => treeCpuMs(worker.pid),
    })),
    { name: "nginx", read: () => nginx.reduce((sum, p) => sum + treeCpuMs(p.pid), 0) },
    {
      name: "postgres (the apps' backends)",
      // Backends opened during the run are read at the end (counted from their start).
      read: () => backends.reduce((sum, pid) => sum + cpuMsOf(pid), 0),
    },
    { name: "redis-server", read: () => redis.reduce((sum, p) => sum + cpuMsOf(p.pid), 0) },
    {
      name: "bench (this process: the simulated learners)",
      read: () => {
        const usage = process.cpuUsage();
        return (usage.user + usage.system) / 1000;
      },
    },
  ];
}

// ---- the database: a throwaway schema, users made directly ----

type Database = {
  url: string;
  appName: string;
  backendPids(): Promise<number[]>;
  close(): Promise<void>;
};

async function prepareDatabase(): Promise<Database> {
  const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const { connectionString } = parseConnectionTarget(base);
  const schema = `bench_cluster_${Date.now().toString(36)}`;
  await applyMigrations(connectionString, { schema });
  const url = new URL(connectionString);
  url.searchParams.set("schema", schema);
  const appName = `courses-bench-cluster-${process.pid}`;
  const query = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    appName,
    async backendPids() {
      const rows = await query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
        [appName],
      );
      return rows.map((row) => row.pid);
    },
    async close() {
      await query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}

/** One real sign-up, then its password hash copied to every other learner (same password). */
async function createLearners(base: string, db: Database, count: number, runId: string) {
  const email = (i: number) => `learner-${runId}-${i}@bench-cluster.test`;
  const response = await fetch(`${base}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email: email(0), password: PASSWORD, name: "Learner 0" }),
  });
  if (!response.ok) throw new Error(`sign-up: HTTP ${response.status} ${await response.text()}`);
  const { connectionString, schema } = parseConnectionTarget(db.url);
  const client = new pg.Client({ connectionString, options: `-c search_path="${schema}"` });
  await client.connect();
  try {
    const [account] = (
      await client.query<{ password: string }>(
        `SELECT a.password FROM account a JOIN "user" u ON u.id = a."userId" WHERE u.email = $1`,
        [email(0)],
      )
    ).rows;
    if (!account) throw new Error("sign-up left no credential account");
    const ids = Array.from({ length: count - 1 }, (_, i) => `bench-${runId}-${i + 1}`);
    await client.query(
      `INSERT INTO "user" (id, name, email, "emailVerified", role, "createdAt", "updatedAt")
       SELECT id, 'Learner ' || n, 'learner-' || $2 || '-' || n || '@bench-cluster.test', false, 'learner', now(), now()
       FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n)`,
      [ids, runId],
    );
    await client.query(
      `INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
       SELECT 'acc-' || id, id, 'credential', id, $2, now(), now() FROM unnest($1::text[]) AS t(id)`,
      [ids, account.password],
    );
  } finally {
    await client.end();
  }
  return Array.from({ length: count }, (_, i) => email(i));
}

// ---- what learners do ----

type Kind = "sign-in" | "lesson-page" | "catalog-progress" | "sync" | "rust-build" | "read-back";
type Timings = Map<Kind, { ms: number[]; errors: number }>;

type Lesson = { key: string; path: string; cells: string[] };
type RustCell = { lessonKey: string; cellId: string; code: string };

function workload() {
  const catalog = readCatalog();
  const lessons: Lesson[] = [];
  let rust: RustCell | null = null;
  for (const track of catalog.tracks)
    for (const chapter of track.chapters)
      for (const lesson of chapter.lessons) {
        const parsed = catalog.lessons.get(lesson.key)?.parsed;
        const cells = (parsed?.cells ?? []).filter((c) => c.role !== "exercise").map((c) => c.id);
        if (cells.length >= EDITS)
          lessons.push({
            key: lesson.key,
            path: lesson.href,
            cells,
          });
        const first = parsed?.cells.find(
          (c) => c.kind === "rust" && c.role !== "exercise" && !c.attributes.file,
        );
        if (!rust && first) rust = { lessonKey: lesson.key, cellId: first.id, code: first.code };
      }
  if (lessons.length === 0 || !rust) throw new Error("the catalogue has no usable lessons");
  return { lessons, rust };
}

type Learner = {
  index: number;
  email: string;
  lesson: Lesson;
  cookie: string;
  /** cellId → the last acknowledged code and how many edits were acknowledged. */
  acknowledged: Map<string, { code: string; edits: number }>;
};

async function timedFetch(
  timings: Timings,
  kind: Kind,
  url: string,
  init: RequestInit,
): Promise<Response | null> {
  const entry = timings.get(kind) ?? { ms: [], errors: 0 };
  timings.set(kind, entry);
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(180_000) });
    // The whole body, so a streamed answer (Rust) counts until its last line.
    const text = await response.text();
    entry.ms.push(performance.now() - started);
    if (!response.ok) {
      entry.errors += 1;
      if (entry.errors <= 2)
        log(`bench:cluster: ${kind} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    return new Response(text, { status: response.status, headers: response.headers });
  } catch (error) {
    entry.ms.push(performance.now() - started);
    entry.errors += 1;
    if (entry.errors <= 2) log(`bench:cluster: ${kind} failed: ${String(error)}`);
    return null;
  }
}

async function simulate(base: string, learner: Learner, rust: RustCell | null, timings: Timings) {
  const json = { "content-type": "application/json", origin: base };
  const signIn = await timedFetch(timings, "sign-in", `${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ email: learner.email, password: PASSWORD }),
  });
  if (!signIn?.ok) return;
  learner.cookie = signIn.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  const headers = { ...json, cookie: learner.cookie };
  await timedFetch(timings, "lesson-page", `${base}${learner.lesson.path}`, { headers });
  await timedFetch(timings, "catalog-progress", `${base}/api/progress/lessons`, { headers });
  for (let b = 0; b < BATCHES; b++) {
    const at = Date.now();
    const mutations: unknown[] = [
      {
        id: randomUUID(),
        kind: "lesson",
        lessonKey: learner.lesson.key,
        cellId: learner.lesson.cells[0],
        clientVersion: 0,
        at,
        payload: { event: "visit" },
      },
    ];
    const edits: { cellId: string; code: string }[] = [];
    for (let e = 0; e < EDITS; e++) {
      const cellId = learner.lesson.cells[e]!;
      const code = `// learner ${learner.index} batch ${b} edit ${e}\n`;
      edits.push({ cellId, code });
      mutations.push({
        id: randomUUID(),
        kind: "code",
        lessonKey: learner.lesson.key,
        cellId,
        clientVersion: learner.acknowledged.get(cellId)?.edits ?? 0,
        at: at + e,
        payload: { code, lessonCodeHash: "bench" },
      });
    }
    const body = JSON.stringify({ mutations });
    // Like the browser outbox: a batch is retried until acknowledged (ids make it idempotent).
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await timedFetch(timings, "sync", `${base}/api/progress/sync`, {
        method: "POST",
        headers,
        body,
      });
      if (response?.ok) {
        for (const { cellId, code } of edits) {
          const previous = learner.acknowledged.get(cellId);
          learner.acknowledged.set(cellId, { code, edits: (previous?.edits ?? 0) + 1 });
        }
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
  await timedFetch(timings, "catalog-progress", `${base}/api/progress/lessons`, { headers });
  if (rust) {
    const response = await timedFetch(timings, "rust-build", `${base}/api/rust/run`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        lessonKey: rust.lessonKey,
        cellId: rust.cellId,
        // The server builds with the lesson's own Cargo.toml; the learner sends the .rs files.
        files: [
          { path: "Cargo.toml", content: '[package]\nname = "bench"\nversion = "0.1.0"\n' },
          { path: "src/main.rs", content: rust.code },
        ],
        mode: "run",
        ticket: `bench-${randomBytes(6).toString("hex")}`,
      }),
    });
    const lines = (response ? await response.text() : "").trim().split("\n");
    const last = lines.at(-1) ?? "";
    if (response?.ok && !/"type":"result".*"status":"ok"/.test(last)) {
      const entry = timings.get("rust-build")!;
      entry.errors += 1;
      if (entry.errors <= 3)
        log(`bench:cluster: a Rust build did not succeed: ${last.slice(0, 300)}`);
    }
  }
}

/** Writes acknowledged but missing: each edited cell must hold its last acknowledged code. */
async function lostWrites(base: string, learners: Learner[], timings: Timings): Promise<number> {
  let lost = 0;
  await pool(learners, 16, async (learner) => {
    if (learner.acknowledged.size === 0) return;
    const response = await timedFetch(
      timings,
      "read-back",
      `${base}/api/progress?lesson=${encodeURIComponent(learner.lesson.key)}`,
      { headers: { cookie: learner.cookie } },
    );
    const progress = response?.ok
      ? ((await response.json()) as { cells: { cellId: string; code: string | null }[] })
      : { cells: [] };
    for (const [cellId, { code, edits }] of learner.acknowledged) {
      const stored = progress.cells.find((cell) => cell.cellId === cellId);
      // Only the last edit of a cell is kept; losing it loses every edit of that cell.
      if (stored?.code !== code) lost += edits;
    }
  });
  return lost;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function runTopology(apps: number, db: Database, port: number, runId: string) {
  const { lessons, rust } = workload();
  log(`bench:cluster: starting nginx + ${apps} app instance(s) + 1 Rust worker on ${port}…`);
  const cluster = await startCluster({
    apps,
    workers: 1,
    basePort: port,
    env: {
      DATABASE_URL: db.url,
      DATABASE_MIGRATE_ON_START: "false",
      REDIS_URL: redisUrl(),
      RUST_QUEUE_PREFIX: `bench-${runId}-${apps}`,
      CACHE_KEY_PREFIX: `bench-${runId}-${apps}`,
      PGAPPNAME: db.appName,
      AUTH_RATE_LIMIT_PER_MINUTE: "10000000",
      SYNC_RATE_LIMIT_PER_MINUTE: "10000000",
      RUST_RATE_LIMIT_PER_MINUTE: "10000000",
      LOG_LEVEL: "warn",
    },
  });
  try {
    const emails = await createLearners(cluster.url, db, LEARNERS, `${runId}-${apps}`);
    const buildEvery = BUILDS > 0 ? Math.floor(LEARNERS / BUILDS) : Infinity;
    const learners: Learner[] = emails.map((email, index) => ({
      index,
      email,
      lesson: lessons[index % lessons.length]!,
      cookie: "",
      acknowledged: new Map(),
    }));
    // Warm-up, not timed: each route's code loaded and compiled once on every instance.
    const warm: Timings = new Map();
    await pool(learners.slice(0, 4 * apps), 2 * apps, (l) => simulate(cluster.url, l, null, warm));
    for (const learner of learners.slice(0, 4 * apps)) learner.acknowledged.clear();

    const probes = await cpuProbes(cluster, db);
    const before = probes.map((probe) => probe.read());
    const timings: Timings = new Map();
    const load = [round1(os.loadavg()[0]!)];
    const started = performance.now();
    await pool(learners, CONCURRENCY, (learner) =>
      simulate(
        cluster.url,
        learner,
        learner.index % buildEvery === 0 && learner.index / buildEvery < BUILDS ? rust : null,
        timings,
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    load.push(round1(os.loadavg()[0]!));
    // The database backends are found again: the pools may have opened more during the run.
    const backendProbe = probes.find((probe) => probe.name.startsWith("postgres"))!;
    const backends = await db.backendPids();
    backendProbe.read = () => backends.reduce((sum, pid) => sum + cpuMsOf(pid), 0);
    const cpuSeconds = Object.fromEntries(
      probes.map((probe, i) => [
        probe.name,
        round1((probe.read() - (probe.name.startsWith("postgres") ? 0 : before[i]!)) / 1000),
      ]),
    );
    const lost = await lostWrites(cluster.url, learners, timings);
    const requests = [...timings.entries()]
      .filter(([kind]) => kind !== "read-back")
      .reduce((sum, [, t]) => sum + t.ms.length, 0);
    const kinds = Object.fromEntries(
      [...timings.entries()].map(([kind, t]) => {
        const sorted = [...t.ms].sort((a, b) => a - b);
        return [
          kind,
          {
            count: sorted.length,
            errors: t.errors,
            p50ms: round1(percentile(sorted, 50)),
            p99ms: round1(percentile(sorted, 99)),
          },
        ];
      }),
    );
    const acknowledged = learners.reduce(
      (sum, l) => sum + [...l.acknowledged.values()].reduce((s, a) => s + a.edits, 0),
      0,
    );
    return {
      benchmark: "cluster",
      apps,
      rustWorkers: 1,
      learners: LEARNERS,
      rustBuilds: BUILDS,
      concurrency: CONCURRENCY,
      seconds: round1(seconds),
      requests,
      requestsPerSec: round1(requests / seconds),
      learnersPerSec: round1(LEARNERS / seconds),
      acknowledgedWrites: acknowledged,
      lostWrites: lost,
      kinds,
      cpuSeconds,
      loadAverage: load,
      cores: os.cpus().length,
    };
  } finally {
    await cluster.stop();
  }
}

function redisUrl(): string {
  const base = (process.env.REDIS_URL ?? "redis://127.0.0.1:6379").replace(/\/\d*$/, "");
  return `${base}/${process.env.BENCH_REDIS_DB ?? "11"}`;
}

/** The run's queue and cache keys (rate-limit keys expire on their own). */
async function dropRedisKeys(pattern: string): Promise<void> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

async function main() {
  const runId = randomBytes(3).toString("hex");
  const db = await prepareDatabase();
  let failed = false;
  try {
    for (const [i, apps] of APP_COUNTS.entries()) {
      const result = await runTopology(apps, db, BASE_PORT + i * 10, runId);
      console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
      if (result.lostWrites > 0) failed = true;
    }
  } finally {
    await db.close().catch(() => undefined);
    await dropRedisKeys(`bench-${runId}-*`).catch(() => undefined);
  }
  if (failed) {
    console.error("bench:cluster: acknowledged writes were lost");
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
