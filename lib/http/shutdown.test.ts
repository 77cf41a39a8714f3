import { createServer, request, Agent, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  isShuttingDown,
  onShutdown,
  resetShutdownRegistry,
  runClosers,
  shutDownGracefully,
  type ShutdownLog,
} from "./shutdown";

const silent: ShutdownLog = () => undefined;

type Reply = { status: number; body: string };

function get(port: number, path: string, agent?: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** A server whose /slow answers after `ms`, /hang never answers, anything else at once. */
async function startServer(
  events: string[],
  slowMs: number,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    events.push(`start ${req.url}`);
    if (req.url === "/hang") return;
    const finish = () => {
      events.push(`finish ${req.url}`);
      res.end(`done ${req.url}`);
    };
    if (req.url === "/slow") setTimeout(finish, slowMs);
    else finish();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

afterEach(() => resetShutdownRegistry());

describe("shutDownGracefully", () => {
  it("lets the request in flight finish, refuses new connections, then runs the closers in order", async () => {
    const events: string[] = [];
    const { server, port } = await startServer(events, 400);
    onShutdown("bolt", () => events.push("close bolt"), 30);
    onShutdown("logs", () => events.push("close logs"), 90);
    onShutdown(
      "database",
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        events.push("close database");
      },
      10,
    );

    const inFlight = get(port, "/slow");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = shutDownGracefully({ server, graceMs: 5_000, log: silent });
    expect(isShuttingDown()).toBe(true);

    await expect(get(port, "/late")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await expect(inFlight).resolves.toEqual({ status: 200, body: "done /slow" });
    await expect(stopped).resolves.toBe(0);
    expect(events).toEqual([
      "start /slow",
      "finish /slow",
      "close database",
      "close bolt",
      "close logs",
    ]);
  });

  it("an idle keep-alive connection does not hold the stop up", async () => {
    const events: string[] = [];
    const { server, port } = await startServer(events, 0);
    const agent = new Agent({ keepAlive: true });
    await get(port, "/warm", agent);
    const started = Date.now();
    await expect(shutDownGracefully({ server, graceMs: 5_000, log: silent })).resolves.toBe(0);
    expect(Date.now() - started).toBeLessThan(1_000);
    agent.destroy();
  });

  it("destroys what is still open after the grace period and still closes everything", async () => {
    const events: string[] = [];
    const { server, port } = await startServer(events, 0);
    onShutdown("database", () => events.push("close database"), 10);
    const hanging = get(port, "/hang");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const log: string[] = [];
    const code = await shutDownGracefully({
      server,
      graceMs: 300,
      log: (_, message, fields) => log.push(`${message} ${JSON.stringify(fields)}`),
    });
    const took = Date.now() - started;
    expect(code).toBe(0);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2_000);
    await expect(hanging).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(events).toEqual(["start /hang", "close database"]);
    expect(log.some((line) => line.includes('"forced":true'))).toBe(true);
  });
});

describe("runClosers", () => {
  it("runs the rest when one fails or hangs, and reports which", async () => {
    const ran: string[] = [];
    onShutdown("hangs", () => new Promise(() => undefined), 1);
    onShutdown(
      "throws",
      () => {
        throw new Error("boom");
      },
      2,
    );
    onShutdown("fine", () => ran.push("fine"), 3);
    await expect(runClosers(silent, 100)).resolves.toEqual({ failed: ["hangs", "throws"] });
    expect(ran).toEqual(["fine"]);
  });

  it("registering a name again replaces the closer instead of running both", async () => {
    const ran: string[] = [];
    onShutdown("database", () => ran.push("old"), 10);
    onShutdown("database", () => ran.push("new"), 10);
    await runClosers(silent);
    expect(ran).toEqual(["new"]);
  });
});
