/**
 * A production topology on this machine, for `npm run cluster:test` and `npm run bench:cluster`:
 * nginx (Debian's, run as the current user from a generated config in a temp dir) in front of N
 * app instances (`scripts/start.ts --no-build` of the already-built `.next`, or NEXT_DIST_DIR) and
 * M Rust build workers (`scripts/rust-worker.ts`), all sharing DATABASE_URL, REDIS_URL and
 * AUTH_SECRET from `opts.env` / the environment. The balancer retries the next instance on
 * errors, timeouts, 502 and 503, so killing one app instance is invisible to clients.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

type ClusterOptions = {
  apps: number;
  workers: number;
  /** The balancer listens here; app instances on basePort+1 … basePort+apps. */
  basePort: number;
  env?: Record<string, string>;
};

type ClusterProcess = { pid: number; kill(signal?: NodeJS.Signals): void };
type ClusterApp = ClusterProcess & { port: number };

export type Cluster = {
  url: string;
  apps: ClusterApp[];
  workers: ClusterProcess[];
  /** Where each process's output goes (`app-<port>.log`, `worker-<n>.log`, nginx's `error.log`). */
  logDir: string;
  /** Starts one more Rust worker (e.g. to take over a job from a killed one). */
  addWorker(): ClusterProcess;
  stop(): Promise<void>;
};

const ROOT = path.resolve(import.meta.dirname, "../..");
const NGINX = process.env.NGINX_BIN ?? "/usr/sbin/nginx";
const START_TIMEOUT_MS = 90_000;

function nginxConfig(opts: { dir: string; listenPort: number; appPorts: number[] }): string {
  const { dir, listenPort, appPorts } = opts;
  const servers = appPorts
    .map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`)
    .join("\n");
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  client_max_body_size 2m;
  upstream courses_apps {
${servers}
  }
  server {
    listen 127.0.0.1:${listenPort};
    location / {
      proxy_pass http://courses_apps;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # Rust runs stream NDJSON: pass each line on as it comes.
      proxy_buffering off;
      proxy_read_timeout 180s;
      # A POST is only retried when it never reached an instance (connection refused), so a
      # request is never applied twice; one cut off mid-way answers 502 and is not acknowledged.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries ${Math.max(2, appPorts.length)};
      proxy_connect_timeout 2s;
    }
  }
}
`;
}

function spawnLogged(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
): ChildProcess {
  // Its own process group: SIGKILL takes the whole "machine" down (an app's embedded Cypher
  // server with it), as when a container dies.
  const child = spawn(command, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  groups.add(child);
  child.once("exit", () => groups.delete(child));
  const write = (chunk: Buffer) => writeFileSync(logFile, chunk, { flag: "a" });
  child.stdout?.on("data", write);
  child.stderr?.on("data", write);
  return child;
}

/** Every process group started here, killed if this process exits without `stop()`. */
const groups = new Set<ChildProcess>();
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.once("exit", () => groups.forEach((child) => killGroup(child, "SIGKILL")));
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => process.exit(130));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Waits for the process to exit (SIGKILL after `ms`), then kills what is left of its group. */
async function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  if (!exited(child)) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        killGroup(child, "SIGKILL");
        resolve();
      }, ms);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  killGroup(child, "SIGKILL");
}

async function waitForHttp(
  url: string,
  child: ChildProcess,
  logFile: string,
  timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(child)) {
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-2_000) : "";
      throw new Error(`${url}: the process exited before it was ready.\n${log}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} was not ready within ${timeoutMs / 1000} s (log: ${logFile}).`);
}

/** SIGKILL kills the process's whole group (a crash); other signals go to the process only. */
function asProcess(child: ChildProcess): ClusterProcess {
  if (child.pid === undefined) throw new Error("a cluster process failed to spawn");
  return {
    pid: child.pid,
    kill: (signal = "SIGTERM") =>
      signal === "SIGKILL" ? killGroup(child, signal) : void child.kill(signal),
  };
}

/** Starts nginx, `apps` app instances and `workers` Rust workers; resolves when all are ready. */
export async function startCluster(opts: ClusterOptions): Promise<Cluster> {
  const { apps, workers, basePort } = opts;
  if (!existsSync(NGINX)) throw new Error(`nginx not found at ${NGINX} (apt-get install nginx).`);
  const distDir = opts.env?.NEXT_DIST_DIR ?? process.env.NEXT_DIST_DIR ?? ".next";
  if (!existsSync(path.join(ROOT, distDir, "BUILD_ID")))
    throw new Error(`No production build in ${distDir}: run \`npx next build\` first.`);
  hookExit();
  const dir = mkdtempSync(path.join(tmpdir(), "courses-cluster-"));
  const url = `http://127.0.0.1:${basePort}`;
  const appPorts = Array.from({ length: apps }, (_, i) => basePort + 1 + i);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AUTH_SECRET: process.env.AUTH_SECRET ?? randomBytes(32).toString("base64"),
    BETTER_AUTH_URL: url,
    APP_URL: url,
    TRUSTED_PROXIES: "127.0.0.1",
    NEXT_DIST_DIR: distDir,
    ...opts.env,
  };
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map((child) => {
        if (!exited(child)) child.kill("SIGTERM");
        return waitForExit(child, 15_000);
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = appPorts.map((port) => {
      const logFile = path.join(dir, `app-${port}.log`);
      const cypherDir = path.join(dir, `cypher-${port}`);
      mkdirSync(cypherDir);
      const child = spawnLogged(
        process.execPath,
        ["--import", "tsx", "scripts/start.ts", "--no-build", "--port", String(port)],
        { ...env, PORT: String(port), CYPHER_DATA_DIR: cypherDir },
        logFile,
      );
      children.push(child);
      return { port, child, logFile };
    });
    let workerCount = 0;
    const addWorkerChild = () => {
      workerCount += 1;
      const child = startWorkerProcess(env, path.join(dir, `worker-${workerCount}.log`));
      children.push(child);
      return child;
    };
    const workerChildren = Array.from({ length: workers }, addWorkerChild);
    writeFileSync(
      path.join(dir, "nginx.conf"),
      nginxConfig({ dir, listenPort: basePort, appPorts }),
    );
    const nginxLog = path.join(dir, "nginx.log");
    const nginx = spawnLogged(
      NGINX,
      ["-p", dir, "-e", path.join(dir, "error.log"), "-c", path.join(dir, "nginx.conf")],
      env,
      nginxLog,
    );
    children.push(nginx);
    await Promise.all(
      started.map(({ port, child, logFile }) =>
        waitForHttp(`http://127.0.0.1:${port}/api/ready`, child, logFile),
      ),
    );
    await waitForHttp(`${url}/api/health`, nginx, nginxLog);
    return {
      url,
      apps: started.map(({ port, child }) => ({ port, ...asProcess(child) })),
      workers: workerChildren.map(asProcess),
      logDir: dir,
      addWorker: () => asProcess(addWorkerChild()),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One Rust worker, as `npm run rust:worker` runs it (started directly so its pid is the worker's). */
function startWorkerProcess(env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  return spawnLogged(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", "scripts/rust-worker.ts"],
    env,
    logFile,
  );
}
