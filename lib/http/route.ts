import type { z } from "zod";
import {
  consumeRateLimit,
  type RateLimitBucket,
  type RateLimitResult,
} from "@/lib/auth/rate-limit";
import { checkSameOrigin, json, readBodyWithLimit } from "@/lib/http/request-guards";
import {
  getSessionFromHeaders,
  rememberedSessionFromHeaders,
  type SessionUser,
} from "@/lib/auth/session";
import { clientAddressFromHeaders } from "./client-address";
import { logger } from "./log";
import { currentRequest } from "./request-context";

// The one way into the server for JSON routes: every check a request must pass, in one order
// (origin, body size, session, rate limit, JSON, schema), and one error shape
// `{ error, fieldErrors? }`. Checks that cost nothing come first; the rate limit comes before
// parsing so a flood of malformed requests is limited too.

type RouteErrorBody = { error: string; fieldErrors?: Record<string, string[]> };

/** Thrown (or returned) by a handler to answer with a 4xx/5xx in the one error shape. */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export function errorResponse(
  status: number,
  error: string,
  options: { fieldErrors?: Record<string, string[]>; retryAfterSeconds?: number } = {},
): Response {
  const body: RouteErrorBody = options.fieldErrors
    ? { error, fieldErrors: options.fieldErrors }
    : { error };
  return json(
    body,
    status,
    options.retryAfterSeconds !== undefined
      ? { "retry-after": String(options.retryAfterSeconds) }
      : {},
  );
}

/** 503 with Retry-After: the one answer for "a dependency is down, try again shortly". */
export function unavailableResponse(error: string, retryAfterSeconds = 2): Response {
  return errorResponse(503, error, { retryAfterSeconds });
}

/** Field errors for a 422 answer: "mutations.3.payload.code" → messages. */
function zodFieldErrors(error: z.ZodError): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "(body)";
    (result[key] ??= []).push(issue.message);
  }
  return result;
}

export type SessionMode = "required" | "optional";

type RouteContext<TBody, TQuery, TSession extends SessionMode> = {
  request: Request;
  body: TBody;
  query: TQuery;
  user: TSession extends "required" ? SessionUser : SessionUser | null;
  /** The client address our server established (see client-address.ts). */
  clientAddress: string;
  /**
   * With `liveness: "handler"`: set when the user was known from an earlier check and the
   * session was NOT read from the database for this request. The handler's first statement
   * must then refuse to act unless this token's session is live and the user's.
   */
  unverifiedSessionToken?: string;
};

export type RouteOptions<TBody, TQuery, TSession extends SessionMode> = {
  /** For logs: which route refused or failed. */
  name: string;
  session: TSession;
  /** What a 401 says (the default suits most routes). */
  signInMessage?: string;
  /**
   * "handler": a session whose owner this process checked within the last minute is not read
   * again here; the handler proves it live in its own first query (`unverifiedSessionToken`),
   * saving a database round trip. For hot routes that use only `user.id` (other fields may be
   * a minute old). Default: the session is checked here.
   */
  liveness?: "handler";
  rateLimit?: { bucket: RateLimitBucket; key: "user" | "client"; message?: string };
  /** A JSON body: read up to maxBodyBytes, parsed, validated. Omit for GET routes. */
  body?: { schema: z.ZodType<TBody>; maxBodyBytes: number };
  /** The query string, as an object of its first values, validated. */
  query?: z.ZodType<TQuery>;
  handle(context: RouteContext<TBody, TQuery, TSession>): Promise<Response | unknown>;
  /** Turns a handler's error into an answer (e.g. database errors); null for the default 500. */
  mapError?(error: unknown): Response | null;
};

export type RouteDeps = {
  session(headers: Headers, fresh: boolean): Promise<SessionUser | null>;
  /** The owner of the request's session as an earlier check found it, with its token; or null. */
  rememberedSession(headers: Headers): Promise<{ user: SessionUser; token: string } | null>;
  consume(bucket: RateLimitBucket, key: string): Promise<RateLimitResult>;
  clientAddress(headers: Headers): string;
};

const defaultDeps: RouteDeps = {
  // A state-changing request reads the session from the database, not the signed cookie cache,
  // so that a signed-out cookie stops working at once.
  session: (headers, fresh) => getSessionFromHeaders(headers, { fresh }),
  rememberedSession: (headers) => rememberedSessionFromHeaders(headers),
  consume: consumeRateLimit,
  clientAddress: clientAddressFromHeaders,
};

export function validatedRoute<
  TBody = undefined,
  TQuery = undefined,
  TSession extends SessionMode = SessionMode,
>(
  options: RouteOptions<TBody, TQuery, TSession>,
  deps: Partial<RouteDeps> = {},
): (request: Request) => Promise<Response> {
  const use: RouteDeps = { ...defaultDeps, ...deps };
  const log = logger.child({ route: options.name });

  return async (request) => {
    // Names this request's latency series (our server's pipeline observes it when it ends).
    const context = currentRequest();
    if (context) context.routeName = options.name;
    try {
      const crossSite = checkSameOrigin(request.headers);
      if (crossSite) return errorResponse(crossSite.status, crossSite.body.error);

      let text = "";
      if (options.body) {
        const read = await readBodyWithLimit(request, options.body.maxBodyBytes);
        if (!read.ok) return errorResponse(read.failure.status, read.failure.body.error);
        text = read.text;
      }

      const clientAddress = use.clientAddress(request.headers);
      let user: SessionUser | null = null;
      let unverifiedSessionToken: string | undefined;
      try {
        const remembered =
          options.liveness === "handler" ? await use.rememberedSession(request.headers) : null;
        if (remembered) {
          user = remembered.user;
          unverifiedSessionToken = remembered.token;
        } else {
          user = await use.session(
            request.headers,
            request.method !== "GET" && request.method !== "HEAD",
          );
        }
      } catch (error) {
        if (options.session === "required") {
          log.error({ err: error }, "session check failed");
          return unavailableResponse(
            "Your sign-in could not be checked just now; please try again in a moment.",
          );
        }
        // Routes that work without an account keep working while the database is down.
        log.warn({ err: error }, "session check failed; continuing as a visitor");
        user = null;
      }
      if (!user && options.session === "required")
        return errorResponse(401, options.signInMessage ?? "Sign in to do this.");

      if (options.rateLimit) {
        const key =
          options.rateLimit.key === "user" && user ? `user:${user.id}` : `client:${clientAddress}`;
        const taken = await use.consume(options.rateLimit.bucket, key);
        if (!taken.allowed && taken.unavailable) {
          // rate-limit.ts has logged the limiter's failure.
          return unavailableResponse(
            "This is briefly unavailable; please try again in a moment.",
            taken.retryAfterSeconds,
          );
        }
        if (!taken.allowed) {
          const message = options.rateLimit.message ?? "Too many requests";
          return errorResponse(429, `${message}; try again in ${taken.retryAfterSeconds} s.`, {
            retryAfterSeconds: taken.retryAfterSeconds,
          });
        }
      }

      let body = undefined as TBody;
      if (options.body) {
        let parsedJson: unknown;
        try {
          parsedJson = JSON.parse(text);
        } catch {
          return errorResponse(422, "The body is not valid JSON.", {
            fieldErrors: { "(body)": ["invalid JSON"] },
          });
        }
        const parsed = options.body.schema.safeParse(parsedJson);
        if (!parsed.success)
          return errorResponse(422, "The request is invalid.", {
            fieldErrors: zodFieldErrors(parsed.error),
          });
        body = parsed.data;
      }

      let query = undefined as TQuery;
      if (options.query) {
        let params: URLSearchParams;
        try {
          params = new URL(request.url).searchParams;
        } catch {
          return errorResponse(400, "The request address is malformed.");
        }
        const parsed = options.query.safeParse(Object.fromEntries(params));
        if (!parsed.success)
          return errorResponse(422, "The query string is invalid.", {
            fieldErrors: zodFieldErrors(parsed.error),
          });
        query = parsed.data;
      }

      const context = {
        request,
        body,
        query,
        user,
        clientAddress,
        unverifiedSessionToken,
      } as RouteContext<TBody, TQuery, TSession>;
      try {
        const result = await options.handle(context);
        return result instanceof Response ? result : json(result);
      } catch (error) {
        if (error instanceof RouteError)
          return errorResponse(error.status, error.message, {
            fieldErrors: error.fieldErrors,
            retryAfterSeconds: error.retryAfterSeconds,
          });
        const mapped = options.mapError?.(error);
        if (mapped) return mapped;
        throw error;
      }
    } catch (error) {
      // Whatever went wrong, the stack stays in the log, never in the answer.
      log.error({ err: error }, "request failed");
      return errorResponse(500, "Something went wrong on the server; please try again.");
    }
  };
}
