/**
 * Bolt message framing: each message is split into chunks of at most 65,535 bytes, each chunk
 * prefixed by its big-endian u16 length, and the message ends with a 00 00 chunk. A 00 00 on its
 * own between messages is a NOOP (keep-alive) and yields nothing.
 */

const MAX_CHUNK = 0xffff;

export class ChunkingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChunkingError";
  }
}

/** Frames one message. */
export function encodeChunks(message: Uint8Array, maxChunk = MAX_CHUNK): Uint8Array {
  const chunkCount = Math.max(1, Math.ceil(message.length / maxChunk));
  const out = new Uint8Array(message.length + chunkCount * 2 + 2);
  let o = 0;
  for (let start = 0; start < message.length; start += maxChunk) {
    const size = Math.min(maxChunk, message.length - start);
    out[o++] = size >> 8;
    out[o++] = size & 0xff;
    out.set(message.subarray(start, start + size), o);
    o += size;
  }
  out[o++] = 0;
  out[o++] = 0;
  return out.subarray(0, o);
}

/**
 * Incremental de-chunker: feed it whatever TCP delivers (any split), get whole messages back.
 * `maxMessageBytes` bounds memory a hostile client can make us hold.
 */
export class ChunkDecoder {
  private pending: Uint8Array = new Uint8Array(0);
  private parts: Uint8Array[] = [];
  private partBytes = 0;

  constructor(private readonly maxMessageBytes = 64 * 1024 * 1024) {}

  push(data: Uint8Array): Uint8Array[] {
    const buf = this.pending.length === 0 ? data : concat([this.pending, data]);
    const messages: Uint8Array[] = [];
    let pos = 0;
    while (buf.length - pos >= 2) {
      const size = (buf[pos]! << 8) | buf[pos + 1]!;
      if (size === 0) {
        pos += 2;
        if (this.parts.length > 0) {
          messages.push(concat(this.parts));
          this.parts = [];
          this.partBytes = 0;
        }
        continue;
      }
      if (buf.length - pos - 2 < size) break;
      this.partBytes += size;
      if (this.partBytes > this.maxMessageBytes)
        throw new ChunkingError(`message larger than ${this.maxMessageBytes} bytes`);
      this.parts.push(buf.slice(pos + 2, pos + 2 + size));
      pos += 2 + size;
    }
    this.pending = buf.slice(pos);
    return messages;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
