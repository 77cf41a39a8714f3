/**
 * `npm run bench:progress -- --json`: the production server (built first if .next is missing)
 * against DATABASE_URL (in a throwaway schema) or, without it, the embedded PGlite database;
 * N signed-in learners (default 200) each send M sync batches (default 50) one after another,
 * all learners at once; then every write is read back through GET /api/progress.
 *
 * A write is one code edit or one exercise attempt. Code edits are counted back through the
 * cell's version (each accepted edit increments it), attempts one row each, so "lost" counts
 * every write the server acknowledged or was sent that cannot be found afterwards.
 *
 * Pacing: a learner's outbox sends at most one batch per --interval-ms (default 1000: the
 * browser debounces edits by 400 ms and flushes what piled up), the next batch as soon as the
 * previous one is answered if that took longer. --interval-ms 0 is a closed loop (every learner
 * sends its next batch the moment the last one returns), a stress test rather than a model.
 *
 * Options: --learners N --batches N --edits-per-batch N --interval-ms N --port N --dir <root> --json
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { applyMigrations } from "../lib/db/migrate";
import { parseConnectionTarget } from "../lib/db/env";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    learners: { type: "string", default: "200" },
    batches: { type: "string", default: "50" },
    "edits-per-batch": { type: "string", default: "4" },
    "interval-ms": { type: "string", default: "1000" },
    port: { type: "string" },
    dir: { type: "string" },
  },
});
const LEARNERS = Number(values.learners);
const BATCHES = Number(values.batches);
const EDITS = Number(values["edits-per-batch"]);
const INTERVAL_MS = Number(values["interval-ms"]);
const CELLS = 6;
const root = path.resolve(values.dir ?? process.cwd());
const log = (message: string) => {
  if (!values.json) console.log(message);
  else process.stderr.write(message + "\n");
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", values.json ? "ignore" : "inherit", "inherit"] });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

type Database = { url: string; kind: "postgres" | "pglite"; poolMax: string; close(): Promise<void> };

async function prepareDatabase(): Promise<Database> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const { connectionString } = parseConnectionTarget(external);
    const schema = `bench_${Date.now().toString(36)}`;
    await applyMigrations(connectionString, { schema });
    const url = new URL(connectionString);
    url.searchParams.set("schema", schema);
    return {
      url: url.toString(),
      kind: "postgres",
      poolMax: process.env.DATABASE_POOL_MAX ?? "10",
      async close() {
        const client = new pg.Client({ connectionString });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    };
  }
  const { startEmbeddedDatabase } = await import("../lib/db/embedded");
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-pglite-"));
  const db = await startEmbeddedDatabase(dir);
  return {
    url: db.url,
    kind: "pglite",
    poolMax: "1",
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("the server did not become healthy within 90 s");
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item);
      }
    }),
  );
}

// CPU accounting, because this machine is shared: wall-clock figures depend on what else runs,
// CPU milliseconds per batch do not (much). Linux /proc: utime + stime in clock ticks (100/s).
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const result: number[] = [];
  const walk = (pid: number) => {
    result.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return result;
}
async function postgresBackendPids(url: string, appName: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: parseConnectionTarget(url).connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [appName]);
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Learner = { index: number; cookie: string; lessonKey: string; versions: number[]; lastCode: (string | null)[]; edits: number[]; attempts: number; acknowledged: number };

const APP_NAME = `courses-bench-${process.pid}`;

async function main() {
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    log("bench: no production build in .next — running `npm run build`…");
    if ((await run("npm", ["run", "build"], root)) !== 0) throw new Error("the build failed");
  }
  const db = await prepareDatabase();
  const port = Number(values.port ?? (await freePort()));
  const base = `http://127.0.0.1:${port}`;
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(port), "--hostname", "127.0.0.1"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: db.url,
      DATABASE_POOL_MAX: db.poolMax,
      DATABASE_MIGRATE_ON_START: "false",
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      BETTER_AUTH_URL: base,
      AUTH_RATE_LIMIT_PER_MINUTE: "1000000",
      PGAPPNAME: APP_NAME,
      SYNC_RATE_LIMIT_PER_MINUTE: "1000000",
    },
  });
  const stopServer = () => {
    if (server.exitCode === null) server.kill("SIGTERM");
  };
  process.on("exit", stopServer);
  try {
    await waitForHealth(base, server);
    log(`bench: server up on ${base} (${db.kind}); signing up ${LEARNERS} learners…`);
    const learners: Learner[] = [];
    const runId = randomBytes(3).toString("hex");
    await pool(
      Array.from({ length: LEARNERS }, (_, i) => i),
      8,
      async (index) => {
        const response = await fetch(`${base}/api/auth/sign-up/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: base },
          body: JSON.stringify({ email: `bench-${runId}-${index}@example.test`, password: "bench-password-1", name: `Learner ${index}` }),
        });
        if (!response.ok) throw new Error(`sign-up ${index}: HTTP ${response.status} ${await response.text()}`);
        const cookie = response.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
        learners.push({ index, cookie, lessonKey: `bench/01-chapter/lesson-${index % 10}`, versions: Array(CELLS).fill(0), lastCode: Array(CELLS).fill(null), edits: Array(CELLS).fill(0), attempts: 0, acknowledged: 0 });
      },
    );

    // Warm-up, not timed: each learner records a lesson visit once, so route code, the query
    // compiler and the connection pool are loaded before the clock starts — as on a server
    // that has been running for a while.
    await pool(learners, 16, async (learner) => {
      const response = await fetch(`${base}/api/progress/sync`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base, cookie: learner.cookie },
        body: JSON.stringify({ mutations: [{ id: randomUUID(), kind: "lesson", lessonKey: learner.lessonKey, cellId: "cell-0", clientVersion: 0, at: Date.now(), payload: { event: "visit" } }] }),
      });
      if (!response.ok) throw new Error(`warm-up ${learner.index}: HTTP ${response.status}`);
    });
    log(`bench: ${LEARNERS} learners × ${BATCHES} batches × ${EDITS + 1} writes…`);
    const latencies: number[] = [];
    let failures = 0;
    // Postgres backends stay in the pool for the run; PGlite runs inside this process.
    const backends = db.kind === "postgres" ? await postgresBackendPids(db.url, APP_NAME) : [];
    const serverPids = processTree(server.pid!);
    const cpuBefore = {
      server: serverPids.reduce((sum, pid) => sum + cpuMsOf(pid), 0),
      database: db.kind === "postgres" ? backends.reduce((sum, pid) => sum + cpuMsOf(pid), 0) : 0,
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    };
    const loadBefore = os.loadavg()[0]!;
    const started = performance.now();
    await Promise.all(
      learners.map(async (learner) => {
        // Learners start spread over one interval, as real ones would.
        if (INTERVAL_MS > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * INTERVAL_MS));
        for (let b = 0; b < BATCHES; b++) {
          const batchStarted = performance.now();
          const at = Date.now();
          const mutations: unknown[] = [];
          for (let e = 0; e < EDITS; e++) {
            const cell = (b * EDITS + e) % CELLS;
            const code = `// learner ${learner.index} batch ${b} edit ${e}\nconst x = ${b * EDITS + e};`;
            mutations.push({ id: randomUUID(), kind: "code", lessonKey: learner.lessonKey, cellId: `cell-${cell}`, clientVersion: learner.versions[cell], at: at + e, payload: { code, lessonCodeHash: "bench" } });
            learner.edits[cell]! += 1;
            learner.lastCode[cell] = code;
          }
          mutations.push({ id: randomUUID(), kind: "attempt", lessonKey: learner.lessonKey, cellId: "exercise", clientVersion: 0, at, payload: { passed: b % 3 === 0, durationMs: 40 + b } });
          learner.attempts += 1;
          const body = JSON.stringify({ mutations });
          // Like the browser outbox: a failed batch is retried until it is acknowledged.
          for (let attempt = 0; ; attempt++) {
            const t0 = performance.now();
            const response = await fetch(`${base}/api/progress/sync`, { method: "POST", headers: { "content-type": "application/json", origin: base, cookie: learner.cookie }, body }).catch(() => null);
            latencies.push(performance.now() - t0);
            if (response?.ok) {
              const result = (await response.json()) as { applied: string[]; duplicates: string[]; cells: { cellId: string; version: number }[] };
              learner.acknowledged += result.applied.length + result.duplicates.length;
              for (const cell of result.cells) learner.versions[Number(cell.cellId.slice(5))] = cell.version;
              break;
            }
            failures += 1;
            if (attempt > 20) throw new Error(`learner ${learner.index}: batch ${b} failed ${attempt} times (HTTP ${response?.status})`);
            await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** Math.min(attempt, 5)));
          }
          const wait = INTERVAL_MS - (performance.now() - batchStarted);
          if (wait > 0 && b < BATCHES - 1) await new Promise((resolve) => setTimeout(resolve, wait));
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const writes = LEARNERS * BATCHES * (EDITS + 1);
    const laterBackends = db.kind === "postgres" ? await postgresBackendPids(db.url, APP_NAME) : [];
    const cpu = {
      server: serverPids.reduce((sum, pid) => sum + cpuMsOf(pid), 0) - cpuBefore.server,
      // Backends opened during the run count from zero; ones that closed are missed (pool idle
      // timeout is 30 s, so they stay during the run).
      database: db.kind === "postgres" ? laterBackends.reduce((sum, pid) => sum + cpuMsOf(pid), 0) - cpuBefore.database : 0,
      bench: (process.cpuUsage().user + process.cpuUsage().system) / 1000 - cpuBefore.bench,
    };
    const loadAfter = os.loadavg()[0]!;

    log("bench: reading every learner's progress back…");
    let lost = 0;
    let wrongCode = 0;
    await pool(learners, 16, async (learner) => {
      const response = await fetch(`${base}/api/progress?lesson=${encodeURIComponent(learner.lessonKey)}`, { headers: { cookie: learner.cookie } });
      if (!response.ok) throw new Error(`read-back ${learner.index}: HTTP ${response.status}`);
      const progress = (await response.json()) as { cells: { cellId: string; code: string | null; version: number }[]; exercises: { cellId: string; attempts: number }[] };
      for (let cell = 0; cell < CELLS; cell++) {
        const stored = progress.cells.find((c) => c.cellId === `cell-${cell}`);
        lost += Math.max(0, learner.edits[cell]! - (stored?.version ?? 0));
        if (learner.edits[cell]! > 0 && stored?.code !== learner.lastCode[cell]) wrongCode += 1;
      }
      const attempts = progress.exercises.find((e) => e.cellId === "exercise")?.attempts ?? 0;
      lost += Math.max(0, learner.attempts - attempts);
    });

    latencies.sort((a, b) => a - b);
    const result = {
      learners: LEARNERS,
      writes,
      perSec: Math.round(writes / (elapsedMs / 1000)),
      p50ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99ms: Math.round(percentile(latencies, 99) * 10) / 10,
      lost,
      wrongFinalCode: wrongCode,
      batches: LEARNERS * BATCHES,
      writesPerBatch: EDITS + 1,
      intervalMs: INTERVAL_MS,
      retriedBatches: failures,
      seconds: Math.round(elapsedMs / 100) / 10,
      database: db.kind,
      poolMax: Number(db.poolMax),
      // CPU per batch of the app server and (Postgres) its database backends; with PGlite the
      // database runs in the bench process, whose CPU is listed separately.
      serverCpuMsPerBatch: Math.round((cpu.server / (LEARNERS * BATCHES)) * 100) / 100,
      databaseCpuMsPerBatch: db.kind === "postgres" ? Math.round((cpu.database / (LEARNERS * BATCHES)) * 100) / 100 : null,
      benchProcessCpuMsPerBatch: Math.round((cpu.bench / (LEARNERS * BATCHES)) * 100) / 100,
      loadAverage: [Math.round(loadBefore * 10) / 10, Math.round(loadAfter * 10) / 10],
    };
    console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
    if (lost > 0 || wrongCode > 0) process.exitCode = 1;
  } finally {
    stopServer();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.close().catch(() => undefined);
  }
}

main().catch((error) => {
  console.error(`bench:progress failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
