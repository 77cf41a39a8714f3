/**
 * Bolt over WebSocket (RFC 6455), as Neo4j serves it on the same port: browser clients (Neo4j
 * Browser, neo4j-driver in a web page) open a WebSocket and send the Bolt byte stream in binary
 * frames. Only what Bolt needs: the HTTP upgrade, binary/continuation frames (client frames are
 * masked), ping/pong and close. Size limits guard memory; malformed input is a WebSocketError.
 */
import { createHash } from "node:crypto";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const MAX_HTTP_HEADER_BYTES = 16 * 1024;

export class WebSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebSocketError";
  }
}

/** "GET " — the only way an HTTP client starts; a Bolt client starts with 60 60 B0 17. */
export function looksLikeHttp(bytes: Uint8Array): boolean {
  return bytes[0] === 0x47 && bytes[1] === 0x45 && bytes[2] === 0x54 && bytes[3] === 0x20;
}

export function acceptKey(key: string): string {
  return createHash("sha1")
    .update(key + GUID)
    .digest("base64");
}

export type UpgradeOutcome =
  | { status: "incomplete" }
  | { status: "ok"; response: Uint8Array; rest: Uint8Array }
  | { status: "refused"; response: Uint8Array; reason: string };

const httpResponse = (status: string, headers: string[] = [], body = ""): Uint8Array =>
  new TextEncoder().encode(
    [
      `HTTP/1.1 ${status}`,
      ...headers,
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Connection: close",
      "",
      body,
    ].join("\r\n"),
  );

/** Parses the HTTP upgrade request once its headers are complete. */
export function handleUpgrade(bytes: Uint8Array): UpgradeOutcome {
  const text = Buffer.from(bytes).toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) {
    if (bytes.length > MAX_HTTP_HEADER_BYTES)
      return {
        status: "refused",
        response: httpResponse("431 Request Header Fields Too Large"),
        reason: "HTTP headers too large",
      };
    return { status: "incomplete" };
  }
  const [requestLine = "", ...lines] = text.slice(0, end).split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const key = headers.get("sec-websocket-key");
  const isUpgrade =
    /^GET \S+ HTTP\/1\.1$/.test(requestLine) &&
    headers.get("upgrade")?.toLowerCase() === "websocket" &&
    key;
  if (!isUpgrade) {
    const body =
      "This is a Bolt server (neo4j-driver, cypher-shell, Neo4j Browser). It speaks Bolt over TCP and over WebSocket, not HTTP.\n";
    return {
      status: "refused",
      response: httpResponse(
        "426 Upgrade Required",
        ["Upgrade: websocket", "Content-Type: text/plain; charset=utf-8"],
        body,
      ),
      reason: "plain HTTP request",
    };
  }
  const response = new TextEncoder().encode(
    [
      "HTTP/1.1 101 Switching Protocols",
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Accept: ${acceptKey(key)}`,
      "",
      "",
    ].join("\r\n"),
  );
  return { status: "ok", response, rest: bytes.subarray(end + 4) };
}

export type FrameEvent =
  { type: "data"; payload: Uint8Array } | { type: "ping"; payload: Uint8Array } | { type: "close" };

/** Incremental frame decoder for client → server frames. */
export class FrameDecoder {
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly maxFrameBytes = 16 * 1024 * 1024) {}

  push(data: Uint8Array): FrameEvent[] {
    let buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    const events: FrameEvent[] = [];
    for (;;) {
      if (buf.length < 2) break;
      const b0 = buf[0]!;
      const b1 = buf[1]!;
      const opcode = b0 & 0x0f;
      const masked = (b1 & 0x80) !== 0;
      if (!masked) throw new WebSocketError("client frames must be masked");
      if ((b0 & 0x70) !== 0) throw new WebSocketError("unsupported WebSocket extension bits");
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buf.length < 4) break;
        length = (buf[2]! << 8) | buf[3]!;
        offset = 4;
      } else if (length === 127) {
        if (buf.length < 10) break;
        const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        const big = view.getBigUint64(2);
        if (big > BigInt(this.maxFrameBytes)) throw new WebSocketError("WebSocket frame too large");
        length = Number(big);
        offset = 10;
      }
      if (length > this.maxFrameBytes) throw new WebSocketError("WebSocket frame too large");
      if (buf.length < offset + 4 + length) break;
      const mask = buf.subarray(offset, offset + 4);
      const payload = new Uint8Array(length);
      for (let i = 0; i < length; i++) payload[i] = buf[offset + 4 + i]! ^ mask[i & 3]!;
      buf = buf.subarray(offset + 4 + length);
      // Bolt does not care about message boundaries, so fragments are simply streamed in order.
      if (opcode === 0x0 || opcode === 0x1 || opcode === 0x2)
        events.push({ type: "data", payload });
      else if (opcode === 0x8) {
        events.push({ type: "close" });
        break;
      } else if (opcode === 0x9) events.push({ type: "ping", payload });
      else if (opcode === 0xa) continue;
      else throw new WebSocketError(`unknown WebSocket opcode ${opcode}`);
    }
    this.pending = Uint8Array.from(buf);
    return events;
  }
}

/** A server → client frame (never masked). */
export function encodeFrame(payload: Uint8Array, opcode = 0x2): Uint8Array {
  const n = payload.length;
  const headerLength = n < 126 ? 2 : n < 0x10000 ? 4 : 10;
  const out = new Uint8Array(headerLength + n);
  out[0] = 0x80 | opcode;
  if (n < 126) out[1] = n;
  else if (n < 0x10000) {
    out[1] = 126;
    out[2] = n >> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(n));
  }
  out.set(payload, headerLength);
  return out;
}
