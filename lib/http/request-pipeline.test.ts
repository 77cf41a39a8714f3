import {
  createServer,
  request,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, parseTrustedProxies } from "./client-address";
import { createLogger } from "./log";
import { currentRequest } from "./request-context";
import {
  acceptedRequestId,
  createRequestPipeline,
  hasMalformedPercentEncoding,
  loggablePath,
} from "./request-pipeline";

type Line = Record<string, unknown>;
type Reply = { status: number; headers: IncomingMessage["headers"]; body: string };

/** A logger like the app's, writing JSON lines into `lines`. */
function captureLogger(lines: Line[]) {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split("\n"))
        if (text) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return createLogger({ level: "info", destination });
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** The pipeline in front of an app that logs a line (after an await, as a route would) and echoes what it was given. */
async function serve(
  trustedProxies: string | undefined,
  lines: Line[],
  app?: (req: IncomingMessage, res: ServerResponse) => unknown,
) {
  const logger = captureLogger(lines);
  const echo = async (req: IncomingMessage, res: ServerResponse) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info({ route: "echo" }, "inside the route");
    res.setHeader("Content-Type", "application/json");
    res.end(
      JSON.stringify({
        clientAddress: req.headers[CLIENT_ADDRESS_HEADER],
        context: currentRequest() ?? null,
      }),
    );
  };
  server = createServer(
    createRequestPipeline({
      handle: app ?? echo,
      trusted: parseTrustedProxies(trustedProxies),
      logger,
    }),
  );
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function send(port: number, path: string, headers: OutgoingHttpHeaders = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the request pipeline", () => {
  it("without TRUSTED_PROXIES keys on the socket, whatever X-Forwarded-For or our own header claim", async () => {
    const port = await serve(undefined, []);
    const reply = await send(port, "/x", {
      "X-Forwarded-For": "6.6.6.6",
      [CLIENT_ADDRESS_HEADER]: "7.7.7.7",
    });
    expect(JSON.parse(reply.body)).toMatchObject({
      clientAddress: "127.0.0.1",
      context: { clientAddress: "127.0.0.1" },
    });
  });

  it("behind one trusted proxy takes the right-most X-Forwarded-For entry", async () => {
    const port = await serve("1", []);
    const reply = await send(port, "/x", { "X-Forwarded-For": "6.6.6.6, 203.0.113.7" });
    expect(JSON.parse(reply.body)).toMatchObject({ clientAddress: "203.0.113.7" });
  });

  it("returns a request id and carries it into log lines written inside the handler", async () => {
    const lines: Line[] = [];
    const port = await serve(undefined, lines);
    const reply = await send(port, "/x");
    const requestId = reply.headers["x-request-id"];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(reply.body).context.requestId).toBe(requestId);
    await settle();
    expect(lines.find((line) => line.msg === "inside the route")).toMatchObject({
      requestId,
      route: "echo",
    });
  });

  it("keeps a well-formed incoming X-Request-Id and replaces one that could smuggle text into logs", async () => {
    const port = await serve(undefined, []);
    expect(
      (await send(port, "/x", { "X-Request-Id": "trace-1234.abc_DEF" })).headers["x-request-id"],
    ).toBe("trace-1234.abc_DEF");
    for (const bad of [
      "short",
      "has space 12345",
      "x".repeat(129),
      'quote"1234567',
      "a%0aINFO fake",
    ]) {
      const id = (await send(port, "/x", { "X-Request-Id": bad })).headers["x-request-id"];
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("answers 400 in plain text to a path with malformed percent-encoding, without calling the app", async () => {
    let called = false;
    const port = await serve(undefined, [], (_req, res) => {
      called = true;
      res.end("app");
    });
    const reply = await send(port, "/learn/%E0%A4%A/x/y");
    expect(reply.status).toBe(400);
    expect(reply.headers["content-type"]).toMatch(/^text\/plain/);
    expect(reply.body).toMatch(/malformed percent-encoding/);
    expect(reply.headers["x-request-id"]).toBeTruthy();
    expect(called).toBe(false);
    expect((await send(port, "/learn/%E0%A4%A4/x/y")).status).toBe(200);
  });

  it("writes one access line per request: method, path without query, status, ms, id — no query, no cookie", async () => {
    const lines: Line[] = [];
    const port = await serve(undefined, lines);
    const reply = await send(port, "/api/thing?token=secret-in-query", {
      Cookie: "session=secret-cookie",
    });
    await settle();
    const access = lines.filter((line) => line.msg === "request");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 30,
      method: "GET",
      path: "/api/thing",
      status: 200,
      requestId: reply.headers["x-request-id"],
    });
    expect(typeof access[0]!.ms).toBe("number");
    expect(JSON.stringify(lines)).not.toMatch(/secret/);
  });

  it("a handler that throws gets a 500 and an error line with the request id", async () => {
    const lines: Line[] = [];
    const port = await serve(undefined, lines, () => {
      throw new Error("exploded");
    });
    const reply = await send(port, "/x");
    expect(reply.status).toBe(500);
    await settle();
    expect(lines.find((line) => line.msg === "request handler failed")).toMatchObject({
      requestId: reply.headers["x-request-id"],
      level: 50,
    });
  });
});

describe("pipeline helpers", () => {
  it("accepts request ids by the documented pattern only", () => {
    expect(acceptedRequestId("abcdefgh")).toBe("abcdefgh");
    expect(acceptedRequestId(["abcdefgh", "other-id-1"])).toBe("abcdefgh");
    expect(acceptedRequestId("abcdefg")).toBeNull();
    expect(acceptedRequestId(undefined)).toBeNull();
  });

  it("checks only the path for malformed encoding", () => {
    expect(hasMalformedPercentEncoding("/instructor/learners/%C0%AF")).toBe(true);
    expect(hasMalformedPercentEncoding("/a%2Fb?q=%E0%A4%A")).toBe(false);
    expect(hasMalformedPercentEncoding("/100%")).toBe(true);
  });

  it("keeps reset tokens and query strings out of the logged path", () => {
    expect(loggablePath("/api/auth/reset-password/tok123?callbackURL=/x")).toBe(
      "/api/auth/reset-password/[redacted]",
    );
    expect(loggablePath(`/${"a".repeat(600)}`)).toHaveLength(513);
  });
});
