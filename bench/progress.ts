/**
 * `npm run bench:progress -- --json`: the production server (`scripts/start.ts`, our HTTP server
 * around Next; built first into NEXT_DIST_DIR or .next if there is no build) against DATABASE_URL
 * (in a throwaway schema) or, without it, the embedded PGlite database; N signed-in learners
 * (default 200) each send M sync batches (default 50) one after another, all learners at once;
 * then every write is read back through GET /api/progress.
 *
 * A write is one code edit or one exercise attempt, on real lessons and cells of the catalogue
 * (sync refuses keys it does not know). Code edits are counted back through the cell's version
 * (each accepted edit increments it), attempts one row each, so "lost" counts every write the
 * server acknowledged or was sent that cannot be found afterwards.
 *
 * Modes: paced (a learner's outbox sends at most one batch per --interval-ms, default 1000: the
 * browser debounces edits by 400 ms and flushes what piled up) and closed loop (--interval-ms 0:
 * every learner sends its next batch the moment the last one returns — a stress test). Without
 * --interval-ms both run, paced first, on the same server; one JSON line each.
 *
 * rawPgPerSec: the same number of writes as plain single-row `pg` upserts (one statement per
 * write, as many concurrent writers as learners, a pool as large as the server's) into the same
 * database in the same run, before the server starts — the ceiling the sync path is compared with.
 *
 * Warm-up: before the clock starts, every learner sends --warm-up-batches (default 10) paced
 * batches like the timed ones (counted in the read-back, not in the figures), so the server's
 * code is compiled by V8's optimising tier, as on a server that has been serving for a while.
 * p99ByTenSecondsMs lists the p99 of each 10 s window of a timed run; --warm-up-batches 0
 * measures a cold server (its first window shows the warm-up).
 *
 * Options: --learners N --batches N --edits-per-batch N --interval-ms N --warm-up-batches N
 *          --port N --dir <root> --json
 * BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { readCatalog } from "../lib/content/catalog";
import { applyMigrations } from "../lib/db/migrate";
import { parseConnectionTarget } from "../lib/db/env";
import { isServerChecked } from "../lib/progress/verification";

const { values } = parseArgs({
  options: {
    json: { type: "boolean", default: false },
    learners: { type: "string", default: "200" },
    batches: { type: "string", default: "50" },
    "edits-per-batch": { type: "string", default: "4" },
    "interval-ms": { type: "string" },
    "warm-up-batches": { type: "string", default: "10" },
    port: { type: "string" },
    dir: { type: "string" },
  },
});
const LEARNERS = Number(values.learners);
const BATCHES = Number(values.batches);
const EDITS = Number(values["edits-per-batch"]);
const WARM_UP_BATCHES = Number(values["warm-up-batches"]);
const INTERVALS = values["interval-ms"] === undefined ? [1000, 0] : [Number(values["interval-ms"])];
const MAX_CELLS = 6;
const root = path.resolve(values.dir ?? process.cwd());
const distDir = process.env.NEXT_DIST_DIR || ".next";
const log = (message: string) => {
  if (!values.json) console.log(message);
  else process.stderr.write(message + "\n");
};
for (const [name, value] of [
  ["learners", LEARNERS],
  ["batches", BATCHES],
  ["warm-up-batches", WARM_UP_BATCHES],
  ["edits-per-batch", EDITS],
  ...INTERVALS.map((i) => ["interval-ms", i] as const),
] as const) {
  const mayBeZero = name === "interval-ms" || name === "warm-up-batches";
  if (!Number.isInteger(value) || value < 0 || (!mayBeZero && value < 1)) {
    console.error(`bench:progress: --${name} must be a whole number${mayBeZero ? " ≥ 0" : " ≥ 1"}`);
    process.exit(2);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", values.json ? "ignore" : "inherit", "inherit"],
    });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

type Database = {
  url: string;
  kind: "postgres" | "pglite";
  poolMax: number;
  close(): Promise<void>;
};

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
      poolMax: Number(process.env.DATABASE_POOL_MAX ?? "10"),
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
    poolMax: 1,
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
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
  throw new Error("the server did not become healthy within 120 s");
}

async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
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
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(
        readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]!.split(" ")[1],
      );
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
  walk(rootPid);
  return result;
}
async function postgresBackendPids(url: string, appName: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: parseConnectionTarget(url).connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
      [appName],
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round1 = (value: number) => Math.round(value * 10) / 10;
const load1 = () => round1(os.loadavg()[0]!);

/** A lesson learners write to: cells to edit (at most MAX_CELLS) and a browser-checked exercise. */
type BenchLesson = { key: string; cells: string[]; exercise: string };

/**
 * Real lessons whose exercise the browser checks (tfjs): sync records those attempts; Cypher
 * and Rust attempts it acknowledges without recording, which would not measure a write.
 */
function benchLessons(): BenchLesson[] {
  const catalog = readCatalog(path.join(root, "content"));
  const lessons: BenchLesson[] = [];
  for (const [key, { parsed }] of catalog.lessons) {
    const exercise = parsed.cells.find(
      (cell) => cell.role === "exercise" && !isServerChecked(cell.kind),
    );
    if (exercise)
      lessons.push({
        key,
        cells: parsed.cells.slice(0, MAX_CELLS).map((cell) => cell.id),
        exercise: exercise.id,
      });
  }
  if (lessons.length === 0)
    throw new Error(
      `no lesson with a browser-checked exercise under ${path.join(root, "content")}`,
    );
  return lessons;
}

type Learner = {
  index: number;
  cookie: string;
  lesson: BenchLesson;
  versions: number[];
  lastCode: (string | null)[];
  edits: number[];
  attempts: number;
  batchesSent: number;
};

/** The code edit `n` of a learner: which of its lesson's cells, and the text. */
function edit(learner: { index: number; lesson: BenchLesson }, n: number) {
  const cell = n % learner.lesson.cells.length;
  return {
    cell,
    cellId: learner.lesson.cells[cell]!,
    code: `// learner ${learner.index} edit ${n}\nconst x = ${n};`,
  };
}

/**
 * The baseline: each write as its own autocommitted single-row upsert through a plain pg pool,
 * closed loop, as many writers as learners. Users are inserted directly (no server yet).
 */
async function rawPgBaseline(
  db: Database,
  lessons: BenchLesson[],
): Promise<{ perSec: number; p50ms: number; p99ms: number; load: number[] }> {
  const { connectionString, schema } = parseConnectionTarget(db.url);
  const rawPool = new pg.Pool({
    connectionString,
    max: db.poolMax,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  try {
    const runId = randomBytes(3).toString("hex");
    const writers = Array.from({ length: LEARNERS }, (_, index) => ({
      index,
      id: `raw-${runId}-${index}`,
      lesson: lessons[index % lessons.length]!,
    }));
    await rawPool.query(
      `INSERT INTO "user" ("id", "name", "email", "updatedAt") SELECT id, id, id || '@example.test', now() FROM unnest($1::text[]) AS id`,
      [writers.map((w) => w.id)],
    );
    const latencies: number[] = [];
    const loadBefore = load1();
    const started = performance.now();
    await Promise.all(
      writers.map(async (writer) => {
        for (let b = 0; b < BATCHES; b++) {
          for (let e = 0; e <= EDITS; e++) {
            const t0 = performance.now();
            if (e < EDITS) {
              const { cellId, code } = edit(writer, b * EDITS + e);
              await rawPool.query(
                `INSERT INTO "cell_state" ("userId", "lessonKey", "cellId", "code", "version", "lessonCodeHash", "codeUpdatedAt", "updatedAt")
                 VALUES ($1, $2, $3, $4, 1, 'bench', now(), now())
                 ON CONFLICT ("userId", "lessonKey", "cellId") DO UPDATE
                   SET "code" = EXCLUDED."code", "version" = "cell_state"."version" + 1, "codeUpdatedAt" = now(), "updatedAt" = now()`,
                [writer.id, writer.lesson.key, cellId, code],
              );
            } else {
              await rawPool.query(
                `INSERT INTO "exercise_attempt" ("userId", "id", "lessonKey", "cellId", "passed", "at", "durationMs")
                 VALUES ($1, $2, $3, $4, $5, now(), $6) ON CONFLICT ("userId", "id") DO NOTHING`,
                [
                  writer.id,
                  randomUUID(),
                  writer.lesson.key,
                  writer.lesson.exercise,
                  b % 3 === 0,
                  40 + b,
                ],
              );
            }
            latencies.push(performance.now() - t0);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      perSec: Math.round((LEARNERS * BATCHES * (EDITS + 1)) / seconds),
      p50ms: round1(percentile(latencies, 50)),
      p99ms: round1(percentile(latencies, 99)),
      load: [loadBefore, load1()],
    };
  } finally {
    await rawPool.end();
  }
}

const APP_NAME = `courses-bench-${process.pid}`;

async function main() {
  if (!existsSync(path.join(root, distDir, "BUILD_ID"))) {
    log(`bench: no production build in ${distDir} — running \`npm run build\`…`);
    if ((await run("npm", ["run", "build"], root)) !== 0) throw new Error("the build failed");
  }
  const lessons = benchLessons();
  const db = await prepareDatabase();
  let server: ChildProcess | null = null;
  const stopServer = () => {
    if (server && server.exitCode === null) server.kill("SIGTERM");
  };
  process.on("exit", stopServer);
  try {
    log(`bench: raw pg baseline (${db.kind}, pool ${db.poolMax}, ${LEARNERS} writers)…`);
    const raw = await rawPgBaseline(db, lessons);
    log(
      `bench: raw pg ${raw.perSec} upserts/s (p50 ${raw.p50ms} ms, p99 ${raw.p99ms} ms, load ${raw.load.join(" → ")})`,
    );

    const port = Number(values.port ?? (await freePort()));
    const base = `http://127.0.0.1:${port}`;
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    // `npm start`'s server (access log, request ids, client address), not bare `next start`.
    server = spawn(
      process.execPath,
      [
        ...nodeArgs,
        "--import",
        "tsx",
        path.join(root, "scripts/start.ts"),
        "--no-build",
        "--port",
        String(port),
        "--hostname",
        "127.0.0.1",
      ],
      {
        cwd: root,
        stdio: ["ignore", "ignore", "inherit"],
        env: {
          ...process.env,
          NODE_ENV: "production",
          PORT: String(port),
          NEXT_DIST_DIR: distDir,
          DATABASE_URL: db.url,
          DATABASE_POOL_MAX: String(db.poolMax),
          DATABASE_MIGRATE_ON_START: "false",
          AUTH_SECRET: randomBytes(32).toString("base64url"),
          BETTER_AUTH_URL: base,
          AUTH_RATE_LIMIT_PER_MINUTE: "1000000",
          PGAPPNAME: APP_NAME,
          SYNC_RATE_LIMIT_PER_MINUTE: "1000000",
        },
      },
    );
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
          body: JSON.stringify({
            email: `bench-${runId}-${index}@example.test`,
            password: "bench-password-1",
            name: `Learner ${index}`,
          }),
        });
        if (!response.ok)
          throw new Error(`sign-up ${index}: HTTP ${response.status} ${await response.text()}`);
        const cookie = response.headers
          .getSetCookie()
          .map((line) => line.split(";")[0])
          .join("; ");
        const lesson = lessons[index % lessons.length]!;
        const cells = lesson.cells.length;
        learners.push({
          index,
          cookie,
          lesson,
          versions: Array(cells).fill(0),
          lastCode: Array(cells).fill(null),
          edits: Array(cells).fill(0),
          attempts: 0,
          batchesSent: 0,
        });
      },
    );

    // Warm-up, not timed: each learner records a lesson visit once, so route code, the query
    // compiler and the connection pool are loaded before the clock starts — as on a server
    // that has been running for a while.
    await pool(learners, 16, async (learner) => {
      const response = await fetch(`${base}/api/progress/sync`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base, cookie: learner.cookie },
        body: JSON.stringify({
          mutations: [
            {
              id: randomUUID(),
              kind: "lesson",
              lessonKey: learner.lesson.key,
              cellId: learner.lesson.cells[0],
              clientVersion: 0,
              at: Date.now(),
              payload: { event: "visit" },
            },
          ],
        }),
      });
      if (!response.ok)
        throw new Error(
          `warm-up ${learner.index}: HTTP ${response.status} ${await response.text()}`,
        );
    });

    if (WARM_UP_BATCHES > 0) {
      log(`bench: warm-up — ${WARM_UP_BATCHES} paced batches per learner, not timed…`);
      await runMode(base, db, server, learners, 1000, WARM_UP_BATCHES);
    }

    let lostSoFar = 0;
    for (const intervalMs of INTERVALS) {
      const mode = intervalMs > 0 ? "paced" : "closed-loop";
      log(
        `bench: ${mode} — ${LEARNERS} learners × ${BATCHES} batches × ${EDITS + 1} writes, one batch per ${intervalMs} ms…`,
      );
      const measured = await runMode(base, db, server, learners, intervalMs, BATCHES);
      const lostTotal = await readBack(base, learners);
      const result = {
        mode,
        learners: LEARNERS,
        writes: measured.writes,
        perSec: measured.perSec,
        p50ms: measured.p50ms,
        p99ms: measured.p99ms,
        lost: lostTotal.lost - lostSoFar,
        rawPgPerSec: raw.perSec,
        ofRawPg: Math.round((measured.perSec / raw.perSec) * 100) / 100,
        rawPgP99ms: raw.p99ms,
        rawPgLoadAverage: raw.load,
        wrongFinalCode: lostTotal.wrongCode,
        ...measured.details,
      };
      lostSoFar = lostTotal.lost;
      console.log(values.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
      if (result.lost > 0 || lostTotal.wrongCode > 0) process.exitCode = 1;
    }
  } finally {
    stopServer();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await db.close().catch(() => undefined);
  }
}

async function runMode(
  base: string,
  db: Database,
  server: ChildProcess,
  learners: Learner[],
  intervalMs: number,
  batchesPerLearner: number,
) {
  const latencies: number[] = [];
  const windows: number[][] = []; // latencies by the 10 s window their request started in
  let failures = 0;
  // Postgres backends stay in the pool for the run; PGlite runs inside this process.
  const backends = db.kind === "postgres" ? await postgresBackendPids(db.url, APP_NAME) : [];
  const serverPids = processTree(server.pid!);
  const benchCpu = () => (process.cpuUsage().user + process.cpuUsage().system) / 1000;
  const cpuBefore = {
    server: serverPids.reduce((sum, pid) => sum + cpuMsOf(pid), 0),
    database: backends.reduce((sum, pid) => sum + cpuMsOf(pid), 0),
    bench: benchCpu(),
  };
  const loadBefore = load1();
  // The bench's own event loop: a late timer or response callback here inflates the measured
  // latencies without the server being slow.
  const benchLoop = monitorEventLoopDelay({ resolution: 5 });
  benchLoop.enable();
  const started = performance.now();
  await Promise.all(
    learners.map(async (learner) => {
      // Learners start spread over one interval, as real ones would.
      if (intervalMs > 0)
        await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalMs));
      for (let b = 0; b < batchesPerLearner; b++) {
        const batchStarted = performance.now();
        const at = Date.now();
        const sequence = learner.batchesSent++;
        const mutations: unknown[] = [];
        for (let e = 0; e < EDITS; e++) {
          const { cell, cellId, code } = edit(learner, sequence * EDITS + e);
          mutations.push({
            id: randomUUID(),
            kind: "code",
            lessonKey: learner.lesson.key,
            cellId,
            clientVersion: learner.versions[cell],
            at: at + e,
            payload: { code, lessonCodeHash: "bench" },
          });
          learner.edits[cell]! += 1;
          learner.lastCode[cell] = code;
        }
        mutations.push({
          id: randomUUID(),
          kind: "attempt",
          lessonKey: learner.lesson.key,
          cellId: learner.lesson.exercise,
          clientVersion: 0,
          at,
          payload: { passed: b % 3 === 0, durationMs: 40 + b },
        });
        learner.attempts += 1;
        const body = JSON.stringify({ mutations });
        // Like the browser outbox: a failed batch is retried until it is acknowledged.
        for (let attempt = 0; ; attempt++) {
          const t0 = performance.now();
          const response = await fetch(`${base}/api/progress/sync`, {
            method: "POST",
            headers: { "content-type": "application/json", origin: base, cookie: learner.cookie },
            body,
          }).catch(() => null);
          const latency = performance.now() - t0;
          latencies.push(latency);
          (windows[Math.floor((t0 - started) / 10_000)] ??= []).push(latency);
          if (response?.ok) {
            const result = (await response.json()) as {
              cells: { cellId: string; version: number }[];
            };
            for (const cell of result.cells)
              learner.versions[learner.lesson.cells.indexOf(cell.cellId)] = cell.version;
            break;
          }
          failures += 1;
          const text = response ? await response.text() : "no response";
          if (attempt > 20 || response?.status === 422)
            throw new Error(
              `learner ${learner.index}: batch ${b} failed (HTTP ${response?.status}: ${text})`,
            );
          await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** Math.min(attempt, 5)));
        }
        const wait = intervalMs - (performance.now() - batchStarted);
        if (wait > 0 && b < batchesPerLearner - 1)
          await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  benchLoop.disable();
  const loadAfter = load1();
  const writes = LEARNERS * batchesPerLearner * (EDITS + 1);
  const laterBackends = db.kind === "postgres" ? await postgresBackendPids(db.url, APP_NAME) : [];
  // Backends opened during the run count from zero; ones that closed are missed (pool idle
  // timeout is 30 s, so they stay during the run).
  const cpu = {
    server: serverPids.reduce((sum, pid) => sum + cpuMsOf(pid), 0) - cpuBefore.server,
    database: laterBackends.reduce((sum, pid) => sum + cpuMsOf(pid), 0) - cpuBefore.database,
    bench: benchCpu() - cpuBefore.bench,
  };
  const batches = LEARNERS * batchesPerLearner;
  latencies.sort((a, b) => a - b);
  return {
    writes,
    perSec: Math.round(writes / (elapsedMs / 1000)),
    p50ms: round1(percentile(latencies, 50)),
    p99ms: round1(percentile(latencies, 99)),
    details: {
      batches,
      writesPerBatch: EDITS + 1,
      intervalMs,
      warmUpBatches: WARM_UP_BATCHES,
      p99ByTenSecondsMs: windows.map((window) =>
        round1(
          percentile(
            window.sort((a, b) => a - b),
            99,
          ),
        ),
      ),
      retriedBatches: failures,
      seconds: round1(elapsedMs / 1000),
      database: db.kind,
      poolMax: db.poolMax,
      // Sync answered by our server directly (lib/http/direct-routes.ts) or, when off, through Next.
      directRoutes: process.env.DIRECT_ROUTES !== "off",
      // CPU per batch of the app server and (Postgres) its database backends; with PGlite the
      // database runs in the bench process, whose CPU is listed separately.
      serverCpuMsPerBatch: Math.round((cpu.server / batches) * 100) / 100,
      databaseCpuMsPerBatch:
        db.kind === "postgres" ? Math.round((cpu.database / batches) * 100) / 100 : null,
      benchProcessCpuMsPerBatch: Math.round((cpu.bench / batches) * 100) / 100,
      benchLoopDelayP99Ms: round1(benchLoop.percentile(99) / 1e6),
      benchLoopDelayMaxMs: round1(benchLoop.max / 1e6),
      loadAverage: [loadBefore, loadAfter],
    },
  };
}

/** Every learner's progress read back: writes missing so far (all modes) and wrong final code. */
async function readBack(
  base: string,
  learners: Learner[],
): Promise<{ lost: number; wrongCode: number }> {
  log("bench: reading every learner's progress back…");
  let lost = 0;
  let wrongCode = 0;
  await pool(learners, 16, async (learner) => {
    const response = await fetch(
      `${base}/api/progress?lesson=${encodeURIComponent(learner.lesson.key)}`,
      { headers: { cookie: learner.cookie } },
    );
    if (!response.ok) throw new Error(`read-back ${learner.index}: HTTP ${response.status}`);
    const progress = (await response.json()) as {
      cells: { cellId: string; code: string | null; version: number }[];
      exercises: { cellId: string; attempts: number }[];
    };
    learner.lesson.cells.forEach((cellId, cell) => {
      const stored = progress.cells.find((c) => c.cellId === cellId);
      lost += Math.max(0, learner.edits[cell]! - (stored?.version ?? 0));
      if (learner.edits[cell]! > 0 && stored?.code !== learner.lastCode[cell]) wrongCode += 1;
    });
    const attempts =
      progress.exercises.find((e) => e.cellId === learner.lesson.exercise)?.attempts ?? 0;
    lost += Math.max(0, learner.attempts - attempts);
  });
  return { lost, wrongCode };
}

main().catch((error) => {
  console.error(`bench:progress failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
