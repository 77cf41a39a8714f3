import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import next from "next";
import { parseTrustedProxies } from "./client-address";
import { findDirectRoute, loadDirectRoutes, serveDirect, type DirectRoute } from "./direct-routes";
import { logger } from "./log";
import { createRequestPipeline } from "./request-pipeline";
import { claimShutdown, onShutdown, shutDownGracefully, type ShutdownLog } from "./shutdown";

// The production HTTP server behind `npm start`: Node's http server with Next's request handler
// inside our request pipeline (client address, request id, access log), the hot JSON routes
// called directly (direct-routes.ts), and one owner for stop signals so the database outlives
// the last request.

export type ServeOptions = { dir: string; port: number; hostname?: string; graceMs?: number };

const HARD_STOP_MS = 30_000;

const shutdownLog: ShutdownLog = (level, message, fields) => logger[level]({ ...fields }, message);

function listen(server: Server, port: number, hostname: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export async function startProductionServer({
  dir,
  port,
  hostname,
  graceMs = 10_000,
}: ServeOptions): Promise<Server> {
  const started = performance.now();
  // Before Next runs instrumentation: stop signals are ours, not the fallback's.
  claimShutdown();
  const trusted = parseTrustedProxies(process.env.TRUSTED_PROXIES);
  const server = createServer();
  const app = next({
    dev: false,
    dir,
    port,
    hostname: hostname ?? "localhost",
    httpServer: server,
  });
  await app.prepare();
  const nextHandler = app.getRequestHandler();
  // Filled in once the app is warm: until then (and when they cannot load) Next serves them.
  let direct: DirectRoute[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const route = direct.length > 0 ? findDirectRoute(direct, req) : undefined;
    return route ? serveDirect(route, req, res) : nextHandler(req, res);
  };
  server.on("request", createRequestPipeline({ handle, trusted }));
  // Next's own resources (e.g. `after()` work) close after the last request, before the database.
  onShutdown("next", () => app.close(), 5);
  installStopSignals(server, graceMs);
  await listen(server, port, hostname);
  const trustedProxies =
    trusted.kind === "list" ? trusted.source : trusted.kind === "hops" ? trusted.count : "none";
  logger.info(
    {
      port,
      hostname: hostname ?? "*",
      trustedProxies,
      ms: Math.round(performance.now() - started),
    },
    "listening",
  );
  await warmUp(server);
  direct = await directRoutes(dir);
  logger.info(
    {
      ms: Math.round(performance.now() - started),
      directRoutes: direct.map(({ spec }) => `${spec.method} ${spec.path}`),
    },
    "ready",
  );
  return server;
}

/**
 * The routes our server answers without Next's router (direct-routes.ts), unless DIRECT_ROUTES=off.
 * A build they cannot be loaded from is served through Next, with a warning.
 */
async function directRoutes(dir: string): Promise<DirectRoute[]> {
  if (process.env.DIRECT_ROUTES === "off") return [];
  try {
    return await loadDirectRoutes(path.join(dir, process.env.NEXT_DIST_DIR || ".next"));
  } catch (error) {
    logger.warn({ err: error }, "direct routes unavailable; Next serves them");
    return [];
  }
}

/**
 * Next runs instrumentation (embedded database, Cypher server) in the background and holds the
 * first request until it is done; asking once ourselves makes start-up failures show at start
 * and gives "ready" a true time.
 */
async function warmUp(server: Server): Promise<void> {
  const { address, port } = server.address() as AddressInfo;
  const host =
    address === "::" || address === "0.0.0.0"
      ? "127.0.0.1"
      : address.includes(":")
        ? `[${address}]`
        : address;
  try {
    const response = await fetch(`http://${host}:${port}/api/health`, {
      signal: AbortSignal.timeout(120_000),
    });
    if (!response.ok) logger.warn({ status: response.status }, "warm-up request failed");
  } catch (error) {
    logger.warn({ err: error }, "warm-up request failed");
  }
}

function installStopSignals(server: Server, graceMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches us once from the terminal and again relayed by npm/tsx: one stop is enough.
    if (stopping) return logger.info({ signal }, "already stopping");
    stopping = true;
    const started = Date.now();
    logger.info({ signal }, "stopping: draining requests");
    setTimeout(() => {
      logger.error({ ms: HARD_STOP_MS }, "stop took too long; exiting");
      process.exit(1);
    }, HARD_STOP_MS).unref();
    void shutDownGracefully({ server, graceMs, log: shutdownLog }).then((code) => {
      logger.info({ signal, code, ms: Date.now() - started }, "stopped");
      // The logger was flushed by its closer; this last line goes out synchronously enough for a pipe.
      process.exitCode = code;
      setImmediate(() => process.exit(code));
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
