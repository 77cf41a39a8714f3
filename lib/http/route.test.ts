import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { RateLimitBucket } from "@/lib/auth/rate-limit";
import type { SessionUser } from "@/lib/auth/session";
import { RouteError, unavailableResponse, validatedRoute, type RouteDeps } from "./route";

const ORIGIN = "http://localhost:3000";
const ada: SessionUser = { id: "ada", email: "ada@example.test", name: "Ada", role: "learner" };

/** Fake session, limiter and address that record the order they were asked in. */
function fakes(
  options: {
    user?: SessionUser | null;
    sessionFails?: boolean;
    allowed?: boolean;
    limiterFails?: boolean;
    remembered?: { user: SessionUser; token: string } | null;
  } = {},
) {
  const calls: string[] = [];
  const keys: string[] = [];
  const freshness: boolean[] = [];
  const deps: RouteDeps = {
    session: async (_headers, fresh) => {
      calls.push("session");
      freshness.push(fresh);
      if (options.sessionFails) throw new Error("connect ECONNREFUSED");
      return options.user === undefined ? ada : options.user;
    },
    consume: async (bucket: RateLimitBucket, key: string) => {
      calls.push(`limit:${bucket}`);
      keys.push(key);
      if (options.limiterFails) return { allowed: false, retryAfterSeconds: 5, unavailable: true };
      return options.allowed === false
        ? { allowed: false, retryAfterSeconds: 17 }
        : { allowed: true };
    },
    clientAddress: () => "203.0.113.9",
    rememberedSession: async () => {
      calls.push("remembered");
      return options.remembered ?? null;
    },
  };
  return { deps, calls, keys, freshness };
}

const schema = z.object({ name: z.string().min(1).max(10) });

function post(body: string, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/api/thing`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body,
  });
}

function route(
  f: ReturnType<typeof fakes>,
  extra: Partial<Parameters<typeof validatedRoute>[0]> = {},
) {
  return validatedRoute(
    {
      name: "test",
      session: "required",
      rateLimit: { bucket: "cypher", key: "user", message: "Too many runs" },
      body: { schema, maxBodyBytes: 100 },
      handle: async ({ body, user }) => {
        f.calls.push("handle");
        return { hello: (body as { name: string }).name, user: user?.id ?? null };
      },
      ...extra,
    },
    f.deps,
  );
}

describe("validatedRoute", () => {
  describe('liveness: "handler"', () => {
    const tokenRoute = (f: ReturnType<typeof fakes>) =>
      route(f, {
        liveness: "handler",
        handle: async ({ user, unverifiedSessionToken }) => {
          f.calls.push("handle");
          return { user: user?.id ?? null, token: unverifiedSessionToken ?? null };
        },
      });

    it("skips the session check for a remembered owner and hands the handler the token to check", async () => {
      const f = fakes({ remembered: { user: ada, token: "tok" } });
      const response = await tokenRoute(f)(post(JSON.stringify({ name: "x" })));
      expect(await response.json()).toEqual({ user: "ada", token: "tok" });
      expect(f.calls).toEqual(["remembered", "limit:cypher", "handle"]);
      expect(f.keys).toEqual(["user:ada"]);
    });

    it("checks the session as usual when the owner is not remembered; the handler has nothing left to check", async () => {
      const f = fakes({ remembered: null });
      const response = await tokenRoute(f)(post(JSON.stringify({ name: "x" })));
      expect(await response.json()).toEqual({ user: "ada", token: null });
      expect(f.calls).toEqual(["remembered", "session", "limit:cypher", "handle"]);
      expect(f.freshness).toEqual([true]);
    });

    it("is not asked for by other routes", async () => {
      const f = fakes({ remembered: { user: ada, token: "tok" } });
      await route(f)(post(JSON.stringify({ name: "x" })));
      expect(f.calls).toEqual(["session", "limit:cypher", "handle"]);
    });
  });

  it("runs origin, body limit, session, rate limit, JSON, schema, then the handler", async () => {
    const f = fakes();
    const response = await route(f)(post(JSON.stringify({ name: "x" })));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: "x", user: "ada" });
    expect(f.calls).toEqual(["session", "limit:cypher", "handle"]);
    expect(f.keys).toEqual(["user:ada"]);
    expect(f.freshness).toEqual([true]);
  });

  it("refuses a cross-site request before reading anything else", async () => {
    const f = fakes();
    const response = await route(f)(post("x".repeat(1000), { origin: "https://evil.example" }));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: "Cross-site request refused (origin https://evil.example).",
    });
    expect(f.calls).toEqual([]);
  });

  it("refuses an oversized body with 413 before the session is looked up", async () => {
    const f = fakes();
    const response = await route(f)(post(JSON.stringify({ name: "x".repeat(200) })));
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatch(/larger than 100 bytes/);
    expect(f.calls).toEqual([]);
  });

  it("answers 401 without a session, before the limiter counts anything", async () => {
    const f = fakes({ user: null });
    const response = await route(f, { signInMessage: "Sign in to run this." })(post("{}"));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "Sign in to run this." });
    expect(f.calls).toEqual(["session"]);
  });

  it("answers 503 with Retry-After when a required session cannot be checked", async () => {
    const f = fakes({ sessionFails: true });
    const response = await route(f)(post(JSON.stringify({ name: "x" })));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(f.calls).toEqual(["session"]);
  });

  it("goes on as a visitor when an optional session cannot be checked, keyed by client address", async () => {
    const f = fakes({ sessionFails: true });
    const response = await route(f, { session: "optional" })(post(JSON.stringify({ name: "x" })));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ hello: "x", user: null });
    expect(f.keys).toEqual(["client:203.0.113.9"]);
  });

  it("answers 429 with Retry-After, before parsing, so malformed floods are limited too", async () => {
    const f = fakes({ allowed: false });
    const response = await route(f)(post("{not json"));
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("17");
    expect(await response.json()).toEqual({ error: "Too many runs; try again in 17 s." });
    expect(f.calls).toEqual(["session", "limit:cypher"]);
  });

  it("answers 503, not 429, when the limiter itself failed (the person did nothing wrong)", async () => {
    const f = fakes({ limiterFails: true });
    const response = await route(f)(post(JSON.stringify({ name: "x" })));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect((await response.json()).error).toMatch(/briefly unavailable/);
    expect(f.calls).toEqual(["session", "limit:cypher"]);
  });

  it("answers 422 for invalid JSON and for a body the schema refuses, naming the field", async () => {
    const f = fakes();
    const broken = await route(f)(post("{not json"));
    expect(broken.status).toBe(422);
    expect(await broken.json()).toEqual({
      error: "The body is not valid JSON.",
      fieldErrors: { "(body)": ["invalid JSON"] },
    });
    const invalid = await route(f)(post(JSON.stringify({ name: "" })));
    expect(invalid.status).toBe(422);
    const body = await invalid.json();
    expect(body.error).toBe("The request is invalid.");
    expect(Object.keys(body.fieldErrors)).toEqual(["name"]);
    expect(f.calls).not.toContain("handle");
  });

  it("validates the query string of a GET and reads the session from the cache (not fresh)", async () => {
    const f = fakes();
    const get = validatedRoute(
      {
        name: "get",
        session: "required",
        query: z.object({ lesson: z.string().regex(/^[a-z/]+$/, "a lesson key") }),
        handle: async ({ query }) => query,
      },
      f.deps,
    );
    const ok = await get(new Request(`${ORIGIN}/api/thing?lesson=a/b`));
    expect(await ok.json()).toEqual({ lesson: "a/b" });
    const bad = await get(new Request(`${ORIGIN}/api/thing?lesson=../x`));
    expect(bad.status).toBe(422);
    expect((await bad.json()).fieldErrors).toEqual({ lesson: ["a lesson key"] });
    expect(f.freshness).toEqual([false, false]);
  });

  it("turns handler errors into answers: RouteError as given, mapped errors, anything else a 500 without details", async () => {
    const f = fakes();
    const refuse = await route(f, {
      handle: async () => {
        throw new RouteError(404, "No such lesson.");
      },
    })(post(JSON.stringify({ name: "x" })));
    expect(refuse.status).toBe(404);
    expect(await refuse.json()).toEqual({ error: "No such lesson." });

    const mapped = await route(f, {
      handle: async () => {
        throw new Error("connection terminated");
      },
      mapError: () => unavailableResponse("Storage is down."),
    })(post(JSON.stringify({ name: "x" })));
    expect(mapped.status).toBe(503);
    expect(mapped.headers.get("retry-after")).toBe("2");

    const crash = await route(f, {
      handle: async () => {
        throw new Error("secret internal detail at /srv/app.ts:12");
      },
    })(post(JSON.stringify({ name: "x" })));
    expect(crash.status).toBe(500);
    const text = await crash.text();
    expect(text).not.toMatch(/secret|app\.ts/);
    expect(JSON.parse(text)).toEqual({
      error: "Something went wrong on the server; please try again.",
    });
  });
});
