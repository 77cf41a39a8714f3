import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeChunks } from "./chunking";
import { meta } from "./messages";
import { pack, structure, unpack } from "./packstream";
import { startBoltServer, type BoltServer } from "./server";
import { acceptKey, encodeFrame, FrameDecoder, handleUpgrade, WebSocketError } from "./websocket";

/** A client frame: masked, as browsers send them. */
function clientFrame(payload: Uint8Array, opcode = 0x2, fin = true): Uint8Array {
  const mask = Uint8Array.of(0x12, 0x34, 0x56, 0x78);
  const n = payload.length;
  const header =
    n < 126
      ? [(fin ? 0x80 : 0) | opcode, 0x80 | n]
      : [(fin ? 0x80 : 0) | opcode, 0x80 | 126, n >> 8, n & 0xff];
  const body = payload.map((b, i) => b ^ mask[i & 3]!);
  return Uint8Array.from([...header, ...mask, ...body]);
}

describe("WebSocket framing", () => {
  it("computes the RFC 6455 accept key", () => {
    expect(acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  it("upgrades only real WebSocket requests", () => {
    const ok = handleUpgrade(
      new TextEncoder().encode(
        "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\nrest",
      ),
    );
    expect(ok.status).toBe("ok");
    expect(ok.status === "ok" && new TextDecoder().decode(ok.response)).toContain(
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    );
    expect(ok.status === "ok" && new TextDecoder().decode(ok.rest)).toBe("rest");
    expect(handleUpgrade(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x")).status).toBe(
      "incomplete",
    );
    expect(
      handleUpgrade(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).status,
    ).toBe("refused");
  });

  it("decodes masked frames however they are split, fragments included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 40 }),
        (payloads, cut) => {
          const stream = Buffer.concat(
            payloads.map((p, i) => clientFrame(p, i === 0 ? 0x2 : 0x0, i === payloads.length - 1)),
          );
          const decoder = new FrameDecoder();
          const got: number[] = [];
          for (let i = 0; i < stream.length; i += cut)
            for (const e of decoder.push(stream.subarray(i, i + cut)))
              if (e.type === "data") got.push(...e.payload);
          expect(got).toEqual(payloads.flatMap((p) => [...p]));
        },
      ),
    );
  });

  it("rejects unmasked and oversized frames", () => {
    expect(() => new FrameDecoder().push(encodeFrame(Uint8Array.of(1)))).toThrow(WebSocketError);
    expect(() => new FrameDecoder(10).push(clientFrame(new Uint8Array(11)))).toThrow(/too large/);
  });

  it("encodes server frames with the right length form", () => {
    expect([...encodeFrame(Uint8Array.of(1, 2))]).toEqual([0x82, 2, 1, 2]);
    expect([...encodeFrame(new Uint8Array(300)).subarray(0, 4)]).toEqual([0x82, 126, 1, 44]);
    expect([...encodeFrame(new Uint8Array(70000)).subarray(0, 2)]).toEqual([0x82, 127]);
  });
});

describe("Bolt over WebSocket on the Bolt port", () => {
  let server: BoltServer;
  beforeAll(async () => {
    server = await startBoltServer({ port: 0, user: "neo4j", password: "pw" });
  });
  afterAll(() => server.close());

  it("speaks Bolt inside binary frames after the upgrade", async () => {
    const socket = connect(server.port, "127.0.0.1");
    let received = Buffer.alloc(0);
    socket.on("data", (d) => (received = Buffer.concat([received, d])));
    await new Promise<void>((r) => socket.on("connect", () => r()));
    socket.write(
      "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(() => received.includes("\r\n\r\n"));
    expect(received.toString("latin1")).toMatch(/^HTTP\/1\.1 101 /);
    received = Buffer.alloc(0);
    socket.write(
      clientFrame(
        Uint8Array.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
      ),
    );
    const hello = encodeChunks(pack(structure(0x01, [meta({ user_agent: "ws-test" })])));
    const logon = encodeChunks(
      pack(structure(0x6a, [meta({ scheme: "basic", principal: "neo4j", credentials: "pw" })])),
    );
    const run = encodeChunks(pack(structure(0x10, ["RETURN 6 * 7 AS x", new Map(), new Map()])));
    const pull = encodeChunks(pack(structure(0x3f, [meta({ n: -1n })])));
    socket.write(clientFrame(Buffer.concat([hello, logon, run, pull])));
    // collect server frames' payloads: handshake reply, then chunked messages
    const payloads = (): Buffer => {
      const decoded: number[] = [];
      let i = 0;
      while (i + 2 <= received.length) {
        let n = received[i + 1]! & 0x7f;
        let off = 2;
        if (n === 126) {
          n = received.readUInt16BE(i + 2);
          off = 4;
        }
        if (i + off + n > received.length) break;
        decoded.push(...received.subarray(i + off, i + off + n));
        i += off + n;
      }
      return Buffer.from(decoded);
    };
    await until(() => payloads().length > 4 && payloads().includes(Buffer.from([0x2a])));
    const bytes = payloads();
    expect([...bytes.subarray(0, 4)]).toEqual([0, 0, 4, 5]);
    const messages: unknown[] = [];
    let p = 4;
    while (p + 2 <= bytes.length) {
      const size = bytes.readUInt16BE(p);
      if (size === 0) {
        p += 2;
        continue;
      }
      messages.push(unpack(bytes.subarray(p + 2, p + 2 + size)));
      p += 2 + size;
    }
    const signatures = messages.map((m) => (m as { signature: number }).signature);
    expect(signatures.slice(0, 4)).toEqual([0x70, 0x70, 0x70, 0x71]);
    expect((messages[3] as { fields: unknown[][] }).fields[0]).toEqual([42n]);
    socket.destroy();
  });
});
