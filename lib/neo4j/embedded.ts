/**
 * The embedded Cypher server for `npm start` when NEO4J_URI is unset.
 *
 * It runs in a child process (node + tsx, heap-limited) supervised from here: a learner's query
 * that exhausts memory kills only that child, which is restarted on the same port with the same
 * password, instead of taking down the app. The caller passes the returned uri/user/password to
 * the Next server as NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD, so the app reaches it through
 * neo4j-driver exactly like a real Neo4j. `inProcess: true` runs it in this process instead
 * (tests, tools).
 */
import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { join } from "node:path";
import { logger } from "../http/log";
import { isShuttingDown } from "../http/shutdown";

export interface EmbeddedCypher {
  uri: string;
  user: string;
  password: string;
  close(): Promise<void>;
  /** The server's process id (the child's, or this process's when in-process). */
  pid(): number | undefined;
}

export interface EmbeddedCypherOptions {
  /** 0 (default) picks a free port; CYPHER_PORT pins it. */
  port?: number;
  user?: string;
  password?: string;
  dataDir?: string;
  inProcess?: boolean;
  /** Heap limit of the child process (MB); default 1024 — lessons need far less, and a small heap makes a runaway query die (and the server restart) fast. */
  maxHeapMb?: number;
  log?: (message: string) => void;
}

export async function startEmbeddedCypher(
  options: EmbeddedCypherOptions = {},
): Promise<EmbeddedCypher> {
  const user = options.user ?? process.env.NEO4J_USER ?? "neo4j";
  const password =
    options.password ?? process.env.NEO4J_PASSWORD ?? randomBytes(18).toString("base64url");
  const port = options.port ?? Number(process.env.CYPHER_PORT ?? 0);
  const log = options.log ?? ((m: string) => logger.warn({ component: "cypher" }, m));
  if (options.inProcess) {
    // Tests and tools only: the app's bundle never carries the Bolt server (its query workers are
    // files of their own), so it is loaded at run time, where TypeScript is understood.
    const { startBoltServer } = (await import(
      /* turbopackIgnore: true */ /* webpackIgnore: true */ "@courses/cypher/bolt"
    )) as typeof import("@courses/cypher/bolt");
    const server = await startBoltServer({
      host: "127.0.0.1",
      port,
      user,
      password,
      dataDir: options.dataDir,
      log,
    });
    return {
      uri: `bolt://127.0.0.1:${server.port}`,
      user,
      password,
      close: () => server.close(),
      pid: () => process.pid,
    };
  }

  const script = join(process.cwd(), "scripts", "cypher-server.ts");
  let stopping = false;
  let child: ChildProcess | null = null;
  let restarts = 0;

  const launch = (wantedPort: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const args = [
        `--max-old-space-size=${options.maxHeapMb ?? 1024}`,
        "--import",
        "tsx",
        script,
        "--host",
        "127.0.0.1",
        "--port",
        String(wantedPort),
        "--user",
        user,
        "--exit-with-parent",
      ];
      if (options.dataDir) args.push("--data", options.dataDir);
      // The password travels in the environment, not on the command line (visible in `ps`).
      const proc = spawn(process.execPath, args, {
        env: { ...process.env, NEO4J_PASSWORD: password },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = proc;
      let ready = false;
      let buffered = "";
      proc.stdout!.on("data", (d: Buffer) => {
        buffered += d.toString();
        const m = /ready port=(\d+)/.exec(buffered);
        if (m && !ready) {
          ready = true;
          resolve(Number(m[1]));
        }
      });
      proc.stderr!.on("data", (d: Buffer) => log(d.toString().trimEnd()));
      proc.on("error", (e) => {
        // e.g. the node binary vanished: never an unhandled 'error' event in the app process
        log(`cypher: could not run the embedded Cypher server: ${e.message}`);
        if (!ready) reject(e);
      });
      proc.on("exit", (code, signal) => {
        if (!ready)
          return reject(
            new Error(
              `the embedded Cypher server exited during start (code ${code}, signal ${signal})`,
            ),
          );
        // A stop signal sent to the whole process group (Ctrl-C) reaches the child first: no restart then.
        if (stopping || isShuttingDown()) return;
        restarts++;
        log(
          `cypher: the embedded Cypher server stopped (code ${code}, signal ${signal}); restarting (${restarts})`,
        );
        setTimeout(
          () =>
            void launch(boundPort).catch((e: unknown) =>
              log(`cypher: restart failed: ${String(e)}`),
            ),
          Math.min(5000, 200 * restarts),
        );
      });
    });

  const boundPort = await launch(port);
  // A query the engine cannot interrupt (its deadline checks never run) blocks the child's event
  // loop. When a cell times out without any answer, probe the server; if it cannot even answer a
  // handshake, kill it so the supervisor above restarts it now instead of after it runs out of memory.
  let probing = false;
  watchdogState.onUnresponsive = () => {
    if (probing || stopping) return;
    probing = true;
    void probeBolt(boundPort, 3_000).then((alive) => {
      probing = false;
      const c = child as ChildProcess | null;
      if (!alive && c && c.exitCode === null && !stopping) {
        log("cypher: the embedded Cypher server stopped responding; restarting it");
        c.kill("SIGKILL");
      }
    });
  };
  return {
    uri: `bolt://127.0.0.1:${boundPort}`,
    user,
    password,
    pid: () => (child as ChildProcess | null)?.pid,
    close: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        watchdogState.onUnresponsive = undefined;
        const c = child as ChildProcess | null;
        if (!c || c.exitCode !== null) return resolve();
        c.once("exit", () => resolve());
        c.kill("SIGTERM");
        // A frozen child never handles SIGTERM.
        setTimeout(() => c.exitCode === null && c.kill("SIGKILL"), 3_000).unref();
      }),
  };
}

// On globalThis: Next bundles instrumentation and server actions separately, so module state is not shared.
const watchdogState = ((
  globalThis as unknown as { __coursesCypherWatchdog?: { onUnresponsive?: () => void } }
).__coursesCypherWatchdog ??= {});

/** runCypherCell calls this when a server gave no answer past the timeout; a no-op unless this process supervises the embedded server. */
export function reportUnresponsiveCypherServer(): void {
  watchdogState.onUnresponsive?.();
}

/** True when a Bolt server on 127.0.0.1:port answers a handshake within `ms`. */
function probeBolt(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (alive: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), ms);
    socket.on("error", () => done(false));
    socket.on("connect", () =>
      socket.write(
        Uint8Array.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      ),
    );
    socket.on("data", () => done(true));
  });
}
