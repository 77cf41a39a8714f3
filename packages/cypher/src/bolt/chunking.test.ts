import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChunkDecoder, ChunkingError, encodeChunks } from "./chunking";

describe("Bolt chunking", () => {
  it("frames a message as size-prefixed chunks ending in 00 00", () => {
    expect([...encodeChunks(Uint8Array.of(1, 2, 3))]).toEqual([0, 3, 1, 2, 3, 0, 0]);
    const big = encodeChunks(new Uint8Array(70_000));
    expect(big[0]).toBe(0xff);
    expect(big[1]).toBe(0xff);
    expect(big.length).toBe(70_000 + 2 + 2 + 2);
  });

  it("reassembles messages however TCP splits them, skipping NOOP chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
        (messages, maxChunk, cuts) => {
          const parts = messages.flatMap((m) => [Uint8Array.of(0, 0), encodeChunks(m, maxChunk)]);
          const stream = Buffer.concat(parts);
          const decoder = new ChunkDecoder();
          const out: Uint8Array[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length]!;
            out.push(...decoder.push(stream.subarray(pos, pos + n)));
            pos += n;
          }
          expect(out.map((m) => [...m])).toEqual(messages.map((m) => [...m]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a message larger than the limit", () => {
    const decoder = new ChunkDecoder(100);
    expect(() => decoder.push(encodeChunks(new Uint8Array(200), 50))).toThrow(ChunkingError);
  });
});
