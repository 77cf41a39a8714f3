import { connect, type Socket } from "node:net";
import fc from "fast-check";
import neo4j, { type Driver } from "neo4j-driver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeChunks } from "./chunking";
import { pack, structure, unpack } from "./packstream";
import { startBoltServer, type BoltServer } from "./server";

let server: BoltServer;
const drivers: Driver[] = [];
const driver = (password = "secret", scheme = "bolt"): Driver => {
  const d = neo4j.driver(
    `${scheme}://127.0.0.1:${server.port}`,
    neo4j.auth.basic("neo4j", password),
    { maxConnectionPoolSize: 5, connectionAcquisitionTimeout: 5000 },
  );
  drivers.push(d);
  return d;
};

beforeAll(async () => {
  server = await startBoltServer({ port: 0, user: "neo4j", password: "secret" });
});
afterAll(async () => {
  await Promise.all(drivers.map((d) => d.close()));
  await server.close();
});

/** A raw client: performs the handshake, then lets the test send arbitrary bytes. */
async function rawClient(): Promise<{
  socket: Socket;
  received: () => Buffer;
  closed: Promise<void>;
}> {
  const socket = connect(server.port, "127.0.0.1");
  let data = Buffer.alloc(0);
  socket.on("data", (d) => (data = Buffer.concat([data, d])));
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
  socket.write(
    Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  );
  return { socket, received: () => data, closed };
}

const waitFor = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("Bolt server limits", () => {
  it("closes connections that do not log in in time, and keeps logged-in ones", async () => {
    const quick = await startBoltServer({
      port: 0,
      user: "neo4j",
      password: "pw",
      authTimeoutMs: 300,
    });
    try {
      const silent = connect(quick.port, "127.0.0.1");
      silent.on("error", () => {});
      const closedAt = new Promise<number>((r) => silent.on("close", () => r(Date.now())));
      const started = Date.now();
      expect((await closedAt) - started).toBeLessThan(3000);
      const d = neo4j.driver(`bolt://127.0.0.1:${quick.port}`, neo4j.auth.basic("neo4j", "pw"));
      const session = d.session();
      await session.run("RETURN 1");
      await new Promise((r) => setTimeout(r, 500));
      expect((await session.run("RETURN 2 AS x")).records[0]!.get("x").toNumber()).toBe(2);
      await session.close();
      await d.close();
    } finally {
      await quick.close();
    }
  });
});

describe("Bolt server with the official neo4j-driver", () => {
  it("negotiates Bolt 5.4 and reports a Neo4j-style agent", async () => {
    const info = await driver().getServerInfo();
    expect(info.protocolVersion).toMatchObject({ major: 5, minor: 4 });
    expect(info.agent).toMatch(/^Neo4j\//);
  });

  it("routes neo4j:// URIs to itself", async () => {
    const info = await driver("secret", "neo4j").getServerInfo();
    expect(info.address).toBe(`127.0.0.1:${server.port}`);
  });

  it("refuses wrong credentials with Neo.ClientError.Security.Unauthorized", async () => {
    await expect(driver("wrong").getServerInfo()).rejects.toMatchObject({
      code: "Neo.ClientError.Security.Unauthorized",
    });
    const other = neo4j.driver(
      `bolt://127.0.0.1:${server.port}`,
      neo4j.auth.basic("admin", "secret"),
    );
    drivers.push(other);
    await expect(other.getServerInfo()).rejects.toMatchObject({
      code: "Neo.ClientError.Security.Unauthorized",
    });
  });

  it("answers a malformed message with a FAILURE and closes only that connection", async () => {
    const healthy = driver();
    const session = healthy.session();
    const tx = await session.beginTransaction();
    const raw = await rawClient();
    await waitFor(() => raw.received().length >= 4);
    expect([...raw.received().subarray(0, 4)]).toEqual([0, 0, 4, 5]);
    raw.socket.write(encodeChunks(Uint8Array.of(0xb1, 0x01, 0xd2, 0xff, 0xff, 0xff, 0xff)));
    await raw.closed;
    const reply = raw.received().subarray(4);
    const message = unpack(reply.subarray(2, 2 + reply.readUInt16BE(0)));
    expect(message).toMatchObject({ signature: 0x7f });
    // the healthy session's transaction still works
    await tx.rollback();
    await session.close();
    expect((await healthy.getServerInfo()).protocolVersion).toMatchObject({ major: 5, minor: 4 });
  });

  it("closes connections that send garbage or plain HTTP instead of a handshake", async () => {
    for (const junk of [
      Buffer.from("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
      Buffer.alloc(64, 0xff),
    ]) {
      const socket = connect(server.port, "127.0.0.1");
      socket.on("error", () => {});
      let reply = "";
      socket.on("data", (d) => (reply += d.toString("latin1")));
      const closed = new Promise<void>((r) => socket.on("close", () => r()));
      socket.write(junk);
      await closed;
      if (junk[0] === 0x47) expect(reply).toMatch(/^HTTP\/1\.1 426 /);
    }
    expect((await driver().getServerInfo()).protocolVersion).toMatchObject({ major: 5, minor: 4 });
  });

  it("refuses RUN before authentication", async () => {
    const raw = await rawClient();
    const run = structure(0x10, ["RETURN 1", new Map(), new Map()]);
    raw.socket.write(encodeChunks(pack(run)));
    await raw.closed;
    const reply = raw.received().subarray(4);
    const failure = unpack(reply.subarray(2, 2 + reply.readUInt16BE(0)));
    expect(failure).toMatchObject({ signature: 0x7f });
  });

  it("survives random bytes after the handshake on many connections", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 200 }), async (bytes) => {
        const raw = await rawClient();
        raw.socket.write(bytes);
        // give the server a moment, then hang up whatever state it is in
        await new Promise((r) => setTimeout(r, 5));
        raw.socket.destroy();
        await raw.closed;
      }),
      { numRuns: 60 },
    );
    expect((await driver().executeQuery("RETURN 1 AS x")).records[0]!.get("x").toNumber()).toBe(1);
  });

  it("survives clients that disconnect abruptly mid-handshake and mid-message", async () => {
    const before = server.connectionCount();
    for (let i = 0; i < 5; i++) {
      const raw = await rawClient();
      raw.socket.write(Buffer.from([0x00, 0x10, 0xb1])); // half a chunk
      raw.socket.destroy();
      await raw.closed;
    }
    const half = connect(server.port, "127.0.0.1");
    half.on("error", () => {});
    half.write(Buffer.from([0x60, 0x60]));
    half.destroy();
    await waitFor(() => server.connectionCount() <= before);
    expect((await driver().getServerInfo()).protocolVersion).toMatchObject({ major: 5, minor: 4 });
  });
});
