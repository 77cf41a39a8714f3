import type { Server } from "node:http";

// Graceful stop, in one place. Whatever holds a resource registers a closer here (the database,
// the Bolt server, the logger); the server that owns the process (lib/http/server.ts) drains HTTP
// first and only then runs the closers, in order, so nothing closes under a request still being
// served. The registry lives on globalThis: instrumentation.ts runs inside Next's server bundle,
// which has its own copy of this module.

type Closer = { name: string; order: number; close: () => unknown };
export type ShutdownLog = (
  level: "info" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

type ShutdownState = {
  closers: Closer[];
  stopping: boolean;
  ownedByServer: boolean;
  fallbackInstalled: boolean;
};
const STATE = Symbol.for("courses.http.shutdown");
type GlobalWithShutdown = typeof globalThis & { [STATE]?: ShutdownState };

function state(): ShutdownState {
  const store = globalThis as GlobalWithShutdown;
  store[STATE] ??= { closers: [], stopping: false, ownedByServer: false, fallbackInstalled: false };
  return store[STATE];
}

/** Runs `close` at shutdown after HTTP has drained; lower `order` first. Re-registering a name replaces it. */
export function onShutdown(name: string, close: () => unknown, order = 50): void {
  const { closers } = state();
  const kept = closers.filter((closer) => closer.name !== name);
  kept.push({ name, order, close });
  kept.sort((a, b) => a.order - b.order);
  closers.splice(0, closers.length, ...kept);
}

/** The registered closers' names, in the order they will run. */
export function registeredClosers(): string[] {
  return state().closers.map((closer) => closer.name);
}

/** True from the first stop signal on: readiness answers 503 so a load balancer stops sending. */
export function isShuttingDown(): boolean {
  return state().stopping;
}

export function markShuttingDown(): void {
  state().stopping = true;
}

/** The custom server calls this before Next starts, so instrumentation knows not to install the fallback. */
export function claimShutdown(): void {
  state().ownedByServer = true;
}

/** Forgets every closer and the stopping flag (tests). */
export function resetShutdownRegistry(): void {
  const current = state();
  current.closers.splice(0);
  current.stopping = false;
  current.ownedByServer = false;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every registered closer one after another; a failing or hanging one does not stop the rest. */
export async function runClosers(
  log: ShutdownLog,
  perCloserMs = 5_000,
): Promise<{ failed: string[] }> {
  const failed: string[] = [];
  for (const closer of [...state().closers]) {
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(closer.close), perCloserMs, closer.name);
      log("info", "closed", { closer: closer.name, ms: Date.now() - started });
    } catch (error) {
      failed.push(closer.name);
      log("error", "closer failed", {
        closer: closer.name,
        err: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { failed };
}

/**
 * Stops accepting connections, lets requests in flight finish, and after `graceMs` destroys the
 * sockets still open. Keep-alive connections are closed as soon as they go idle, so a client
 * that keeps its connection open cannot hold the process up.
 */
function drainHttpServer(
  server: Server,
  graceMs: number,
): Promise<{ forced: boolean; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    let forced = false;
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      forced = true;
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(idleSweep);
      clearTimeout(deadline);
      resolve({ forced, ms: Date.now() - started });
    });
    server.closeIdleConnections();
  });
}

export type GracefulShutdownOptions = {
  server: Server;
  graceMs?: number;
  log: ShutdownLog;
  perCloserMs?: number;
};

/** The whole stop: readiness off, drain HTTP, then the closers. Resolves with the exit code (0, or 1 when a closer failed). */
export async function shutDownGracefully({
  server,
  graceMs = 10_000,
  log,
  perCloserMs,
}: GracefulShutdownOptions): Promise<number> {
  markShuttingDown();
  const drained = server.listening
    ? await drainHttpServer(server, graceMs)
    : { forced: false, ms: 0 };
  log("info", "http drained", { ms: drained.ms, forced: drained.forced });
  const { failed } = await runClosers(log, perCloserMs);
  return failed.length ? 1 : 0;
}

/**
 * For `next dev` / `next start`, where our server does not own the process: close the resources
 * on a stop signal and exit, as Next's own handler would. Does nothing under our server.
 */
export function installFallbackSignalHandlers(log: ShutdownLog): void {
  const current = state();
  if (current.ownedByServer || current.fallbackInstalled) return;
  current.fallbackInstalled = true;
  const stop = (signal: NodeJS.Signals) => {
    if (current.stopping) return;
    markShuttingDown();
    void runClosers(log).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
