import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, parseTrustedProxies } from "./client-address";
import {
  configuredHeaders,
  findDirectRoute,
  loadDirectRoutes,
  serveDirect,
  type DirectRoute,
} from "./direct-routes";
import { createLogger } from "./log";
import { currentRequest } from "./request-context";
import { createRequestPipeline } from "./request-pipeline";
import { json, readBodyWithLimit } from "./request-guards";

// Direct routes (our server calling a route's handler without Next's router) must answer as
// Next would: the same request reaches the handler, the same headers and cookies leave.

const MANIFEST = {
  headers: [
    {
      regex: "^(?:/((?!_next/static/).*))(?:/)?$",
      headers: [{ key: "X-Content-Type-Options", value: "nosniff" }],
    },
    { regex: "^/_next/static(?:/.*)?$", headers: [{ key: "Cache-Control", value: "immutable" }] },
  ],
};

describe("configuredHeaders", () => {
  it("gives the headers of every next.config rule that covers the path", () => {
    expect(configuredHeaders(MANIFEST, "/api/progress/sync")).toEqual([
      ["X-Content-Type-Options", "nosniff"],
    ]);
    expect(configuredHeaders({}, "/api/progress/sync")).toEqual([]);
  });

  it("refuses a conditional rule it cannot evaluate without the request", () => {
    const manifest = { headers: [{ ...MANIFEST.headers[0]!, has: [{ type: "header" }] }] };
    expect(() => configuredHeaders(manifest, "/api/x")).toThrow(/conditional/);
  });
});

let server: Server | undefined;
let dist: string | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
  if (dist) rmSync(dist, { recursive: true, force: true });
  dist = undefined;
});

const MAX = 64;

/** A handler that reads its body as validatedRoute does and echoes what it was given. */
async function echo(request: Request): Promise<Response> {
  const read = await readBodyWithLimit(request, MAX);
  if (!read.ok) return json(read.failure.body, read.failure.status);
  const context = currentRequest();
  if (context) context.authCookies = ["renewed=1; Path=/; HttpOnly"];
  const response = json(
    {
      method: request.method,
      url: request.url,
      body: read.text,
      clientAddress: request.headers.get(CLIENT_ADDRESS_HEADER),
      cookie: request.headers.get("cookie"),
    },
    201,
    { "x-handler": "echo" },
  );
  response.headers.append("set-cookie", "a=1; Path=/");
  response.headers.append("set-cookie", "b=2; Path=/");
  return response;
}

async function serve(handler: (request: Request) => Promise<Response> = echo): Promise<number> {
  const route: DirectRoute = {
    spec: { method: "POST", path: "/api/direct", entry: "unused", maxBodyBytes: MAX },
    handler,
    headers: configuredHeaders(MANIFEST, "/api/direct"),
  };
  server = createServer(
    createRequestPipeline({
      handle: (req, res) => {
        const found = findDirectRoute([route], req);
        if (found) return serveDirect(found, req, res);
        res.statusCode = 404;
        res.end("via next");
      },
      trusted: parseTrustedProxies(undefined),
      logger: createLogger({ level: "silent" }),
    }),
  );
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

type Reply = { status: number; headers: IncomingMessage["headers"]; body: string };

function post(
  port: number,
  urlPath: string,
  body: string | string[],
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: urlPath, method: "POST", headers },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on("error", reject);
    for (const part of Array.isArray(body) ? body : [body]) req.write(part);
    req.end();
  });
}

describe("serveDirect", () => {
  it("hands the handler the request and sends its answer with next.config's headers", async () => {
    const port = await serve();
    const reply = await post(port, "/api/direct", '{"hello":"wörld"}', {
      "content-type": "application/json",
      cookie: "session=abc",
      [CLIENT_ADDRESS_HEADER]: "203.0.113.9",
    });
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.body)).toEqual({
      method: "POST",
      url: `http://127.0.0.1:${port}/api/direct`,
      body: '{"hello":"wörld"}',
      // The pipeline's address, not the one the client sent.
      clientAddress: "127.0.0.1",
      cookie: "session=abc",
    });
    expect(reply.headers["x-content-type-options"]).toBe("nosniff");
    expect(reply.headers["cache-control"]).toBe("no-store, no-transform");
    expect(reply.headers["x-handler"]).toBe("echo");
    expect(reply.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers["set-cookie"]).toEqual([
      "a=1; Path=/",
      "b=2; Path=/",
      "renewed=1; Path=/; HttpOnly",
    ]);
    expect(Number(reply.headers["content-length"])).toBe(Buffer.byteLength(reply.body));
    expect(reply.headers["server-timing"]).toMatch(/^app;dur=\d+\.\d$/);
  });

  it("serves only its method and exact path; the rest goes to Next", async () => {
    const port = await serve();
    expect((await post(port, "/api/direct?x=1", "{}")).body).toBe("via next");
    expect((await post(port, "/api/direct/", "{}")).body).toBe("via next");
  });

  it("reads no more than the limit: larger bodies get the route's 413 and a closed connection", async () => {
    const port = await serve();
    const declared = await post(port, "/api/direct", "x".repeat(MAX + 1));
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe("close");
    // Chunked, no length declared: the route sees MAX + 1 bytes and refuses.
    const streamed = await post(port, "/api/direct", Array(10).fill("y".repeat(MAX)), {
      "transfer-encoding": "chunked",
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error).toMatch(/larger than 64 bytes/);
    // Within the limit, chunked: all of it.
    const small = await post(port, "/api/direct", ["ab", "cd"], {
      "transfer-encoding": "chunked",
    });
    expect(JSON.parse(small.body).body).toBe("abcd");
  });

  it("answers 500 when the handler throws, and keeps serving", async () => {
    let calls = 0;
    const port = await serve(async (request) => {
      if (calls++ === 0) throw new Error("boom");
      return echo(request);
    });
    expect((await post(port, "/api/direct", "{}")).status).toBe(500);
    expect((await post(port, "/api/direct", "{}")).status).toBe(201);
  });
});

describe("loadDirectRoutes", () => {
  function build(routeSource: string): string {
    dist = mkdtempSync(path.join(tmpdir(), "direct-routes-"));
    writeFileSync(path.join(dist, "routes-manifest.json"), JSON.stringify(MANIFEST));
    mkdirSync(path.join(dist, "server/app/api/x"), { recursive: true });
    writeFileSync(path.join(dist, "server/app/api/x/route.js"), routeSource);
    return dist;
  }
  const spec = {
    method: "POST",
    path: "/api/x",
    entry: "app/api/x/route",
    maxBodyBytes: 10,
  } as const;

  it("takes the handler from the built route module once it has loaded", async () => {
    const dir = build(`
      let loaded = false;
      exports.routeModule = {
        async ensureUserland() { loaded = true; },
        get userland() { if (!loaded) throw new Error("still loading"); return { POST: async () => new Response("built") }; },
      };`);
    const [route] = await loadDirectRoutes(dir, [spec]);
    expect(await (await route!.handler(new Request("http://x/"))).text()).toBe("built");
    expect(route!.headers).toEqual([["X-Content-Type-Options", "nosniff"]]);
  });

  it("refuses a build without the route's handler", async () => {
    await expect(
      loadDirectRoutes(
        build(`exports.routeModule = { async ensureUserland() {}, userland: {} };`),
        [spec],
      ),
    ).rejects.toThrow(/does not export POST/);
    await expect(loadDirectRoutes(build(`exports.handler = () => {};`), [spec])).rejects.toThrow(
      /no app route module/,
    );
  });
});
