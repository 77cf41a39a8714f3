import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { CLIENT_ADDRESS_HEADER, resolveClientAddress, type TrustedProxies } from "./client-address";
import { appMetrics, observeHttpRequest, type AppMetrics } from "../metrics/metrics";
import { routeLabelForPath } from "../metrics/route-label";
import { logger as defaultLogger } from "./log";
import { requestContextStorage, type RequestContext } from "./request-context";
import { isShuttingDown } from "./shutdown";

// What our server does around every request before Next sees it: establish who is asking and
// under which id, refuse addresses Next's router would answer with a 500, and write one access
// line when the response is done.

const REQUEST_ID_HEADER = "x-request-id";
const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
const MAX_LOGGED_PATH = 512;

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;
type AccessLogger = Pick<typeof defaultLogger, "info" | "error">;

/** A caller's id is kept (tracing across services) only when it cannot smuggle anything into logs. */
export function acceptedRequestId(value: string | string[] | undefined): string | null {
  const candidate = Array.isArray(value) ? value[0] : value;
  return candidate !== undefined && REQUEST_ID.test(candidate) ? candidate : null;
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** True when the path has a `%` sequence that is not valid UTF-8 percent-encoding. */
export function hasMalformedPercentEncoding(url: string): boolean {
  try {
    decodeURIComponent(pathOf(url));
    return false;
  } catch {
    return true;
  }
}

/** The path as logged: no query string, no secrets carried in the path, bounded length. */
export function loggablePath(url: string): string {
  const path = pathOf(url).replace(/^(\/api\/auth\/reset-password\/)[^/]+/, "$1[redacted]");
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
}

export type RequestPipelineOptions = {
  handle: NodeHandler;
  trusted: TrustedProxies;
  logger?: AccessLogger;
  newRequestId?: () => string;
  /** Where request latencies are recorded (the process's registry by default). */
  metrics?: AppMetrics;
};

export function createRequestPipeline({
  handle,
  trusted,
  logger = defaultLogger,
  newRequestId = randomUUID,
  metrics = appMetrics(),
}: RequestPipelineOptions): NodeHandler {
  return (req, res) => {
    const started = performance.now();
    const requestId = acceptedRequestId(req.headers[REQUEST_ID_HEADER]) ?? newRequestId();
    const clientAddress = resolveClientAddress({
      socketAddress: req.socket.remoteAddress,
      forwardedFor: req.headers["x-forwarded-for"],
      trusted,
    });
    // Overwrite: a client must never choose the address its limits are keyed on.
    req.headers[CLIENT_ADDRESS_HEADER] = clientAddress;
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader("X-Request-Id", requestId);
    // During a stop, a keep-alive client is told to reconnect (to another instance).
    if (isShuttingDown()) res.setHeader("Connection", "close");

    const path = loggablePath(req.url ?? "/");
    const context: RequestContext = { requestId, clientAddress };
    res.once("close", () => {
      observeHttpRequest(
        context.routeName ?? routeLabelForPath(path),
        req.method,
        res.statusCode,
        (performance.now() - started) / 1000,
        metrics,
      );
      logger.info(
        {
          requestId,
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        "request",
      );
    });

    if (hasMalformedPercentEncoding(req.url ?? "/")) {
      res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("Bad request: the address contains malformed percent-encoding.\n");
      return;
    }

    requestContextStorage().run(context, () => {
      Promise.resolve()
        .then(() => handle(req, res))
        .catch((error: unknown) => {
          logger.error({ err: error }, "request handler failed");
          if (!res.headersSent) {
            res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
            res.end("Internal server error.\n");
          } else {
            res.destroy();
          }
        });
    });
  };
}
