import { AsyncLocalStorage } from "node:async_hooks";

// The request being served, so that every log line of a request carries its id. The custom
// server (scripts/serve.ts) enters the context; one instance per process, shared by every
// bundle through globalThis (Next bundles route handlers and pages separately).

export type RequestContext = {
  requestId: string;
  clientAddress: string;
  /** Set by validatedRoute: the route's name, for the latency metric's `route` label. */
  routeName?: string;
  /**
   * Set-Cookie values better-auth produced while checking the session (a renewal). Next sends
   * them through its cookies() store; our server's direct routes (direct-routes.ts) send these.
   */
  authCookies?: string[];
};

const CONTEXT = Symbol.for("courses.http.requestContext");
type GlobalWithContext = typeof globalThis & { [CONTEXT]?: AsyncLocalStorage<RequestContext> };

export function requestContextStorage(): AsyncLocalStorage<RequestContext> {
  const store = globalThis as GlobalWithContext;
  store[CONTEXT] ??= new AsyncLocalStorage<RequestContext>();
  return store[CONTEXT];
}

export function currentRequest(): RequestContext | undefined {
  return requestContextStorage().getStore();
}
