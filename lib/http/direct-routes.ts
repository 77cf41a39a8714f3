import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { MAX_SYNC_BODY_BYTES } from "../progress/schemas";
import { currentRequest } from "./request-context";

// The hot JSON routes our server calls straight into, without Next's router in front of them.
// Progress sync is most of the traffic (every open notebook, about once a second while a
// learner types); through Next's router, request adapters and response piping it cost 3.4 ms
// of CPU per batch, called directly 1.9 ms (docs/benchmarks/progress.md).
//
// One copy of everything: the handler is the route's own export, taken from the very module
// Next built and loads (`.next/server/app/.../route.js` through Node's require cache), so its
// session cache, rate limiter, connection pool and metrics are the ones Next's requests use.
// The route runs outside Next's request scope, so a direct route must not use `next/headers`,
// `after()` or Next's fetch cache (the e2e suite runs against this server and would fail).
// What Next adds around a route we add too: next.config's headers() (from the routes
// manifest) and the cookies better-auth sets while it renews a session (request-context.ts).

type WebHandler = (request: Request) => Promise<Response>;

export type DirectRouteSpec = {
  method: "POST";
  path: string;
  /** The route's entry in Next's server build, without `.js`. */
  entry: string;
  /** Bytes read before the route takes over; more is handed on unread (the route answers 413). */
  maxBodyBytes: number;
};

const DIRECT_ROUTES: readonly DirectRouteSpec[] = [
  {
    method: "POST",
    path: "/api/progress/sync",
    entry: "app/api/progress/sync/route",
    maxBodyBytes: MAX_SYNC_BODY_BYTES,
  },
];

export type DirectRoute = {
  spec: DirectRouteSpec;
  handler: WebHandler;
  /** next.config headers() for this path, as Next would send them. */
  headers: [string, string][];
};

type RoutesManifest = {
  headers?: {
    regex: string;
    headers: { key: string; value: string }[];
    has?: unknown;
    missing?: unknown;
  }[];
};

/**
 * The headers next.config's headers() gives `pathname`. Rules with `has`/`missing` conditions
 * depend on the request and are refused: a direct route must not need them.
 */
export function configuredHeaders(manifest: RoutesManifest, pathname: string): [string, string][] {
  const result: [string, string][] = [];
  for (const rule of manifest.headers ?? []) {
    if (!new RegExp(rule.regex).test(pathname)) continue;
    if (rule.has || rule.missing)
      throw new Error(
        `a conditional headers() rule (${rule.regex}) covers direct route ${pathname}`,
      );
    for (const { key, value } of rule.headers) result.push([key, value]);
  }
  return result;
}

type BuiltRoute = {
  routeModule?: {
    ensureUserland?: () => Promise<void>;
    userland?: Record<string, unknown>;
  };
};

/**
 * The direct routes' handlers from a production build in `distDir`. Throws when the build does
 * not have them in the shape this Next version builds (the server then serves them through Next).
 */
export async function loadDirectRoutes(
  distDir: string,
  specs: readonly DirectRouteSpec[] = DIRECT_ROUTES,
): Promise<DirectRoute[]> {
  const require = createRequire(path.join(distDir, "server", "direct-routes.js"));
  const manifest = JSON.parse(
    readFileSync(path.join(distDir, "routes-manifest.json"), "utf8"),
  ) as RoutesManifest;
  return Promise.all(
    specs.map(async (spec) => {
      const built = require(path.join(distDir, "server", `${spec.entry}.js`)) as BuiltRoute;
      const routeModule = built.routeModule;
      if (typeof routeModule?.ensureUserland !== "function")
        throw new Error(`${spec.entry}: the build has no app route module`);
      // Route modules load lazily (top-level await); Next awaits this before a first request.
      await routeModule.ensureUserland();
      const handler = routeModule.userland?.[spec.method];
      if (typeof handler !== "function")
        throw new Error(`${spec.entry} does not export ${spec.method}`);
      return {
        spec,
        handler: handler as WebHandler,
        headers: configuredHeaders(manifest, spec.path),
      };
    }),
  );
}

export function findDirectRoute(
  routes: readonly DirectRoute[],
  req: IncomingMessage,
): DirectRoute | undefined {
  return routes.find((route) => route.spec.method === req.method && route.spec.path === req.url);
}

/** The body, or its first maxBytes + 1 bytes when it is larger (null when declared larger). */
function readCappedBody(
  req: IncomingMessage,
  maxBytes: number,
): Promise<{ body: Buffer | null; complete: boolean }> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes)
    return Promise.resolve({ body: null, complete: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (complete: boolean) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      resolve({ body: Buffer.concat(chunks), complete });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        finish(false);
      }
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => {
      req.off("data", onData).off("end", onEnd).off("close", onClose);
      reject(error);
    };
    const onClose = () => {
      if (!req.complete) onError(new Error("the client closed the request before its body ended"));
    };
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

function webHeaders(req: IncomingMessage): Headers {
  // req.headers, not rawHeaders: our pipeline has set the client address and request id there.
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return headers;
}

function requestUrl(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`).href;
  } catch {
    return new URL(req.url ?? "/", "http://localhost").href;
  }
}

/** Answers `req` with the route's own handler, as Next would (headers, cookies, status, body). */
export async function serveDirect(
  route: DirectRoute,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = performance.now();
  const { body, complete } = await readCappedBody(req, route.spec.maxBodyBytes);
  const response = await route.handler(
    new Request(requestUrl(req), {
      method: req.method,
      headers: webHeaders(req),
      // Buffer.concat's memory is a plain ArrayBuffer; the DOM types want it said.
      body: body && new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength),
    }),
  );
  const payload = Buffer.from(await response.arrayBuffer());
  for (const [name, value] of route.headers) res.setHeader(name, value);
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  const cookies = [...response.headers.getSetCookie(), ...(currentRequest()?.authCookies ?? [])];
  if (cookies.length > 0) res.setHeader("Set-Cookie", cookies);
  // The rest of a body too large to read stays unread: this connection cannot serve another request.
  if (!complete) res.setHeader("Connection", "close");
  res.setHeader("Content-Length", payload.length);
  res.setHeader("Server-Timing", `app;dur=${(performance.now() - started).toFixed(1)}`);
  res.writeHead(response.status);
  res.end(payload);
}
