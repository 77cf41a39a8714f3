import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pack, PackStreamError, structure, unpack, type PackValue } from "./packstream";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

const packValue: fc.Arbitrary<PackValue> = fc.letrec<{ value: PackValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double(),
    fc.string({ unit: "grapheme" }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.array(fc.tuple(fc.string(), tie("value")), { maxLength: 5 }).map((e) => new Map(e)),
    fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.array(tie("value"), { maxLength: 4 }))
      .map(([s, f]) => structure(s, f)),
  ),
})).value;

describe("PackStream", () => {
  it("encodes the spec's examples byte for byte", () => {
    expect(hex(pack(null))).toBe("c0");
    expect(hex(pack(true))).toBe("c3");
    expect(hex(pack(1n))).toBe("01");
    expect(hex(pack(-16n))).toBe("f0");
    expect(hex(pack(-17n))).toBe("c8ef");
    expect(hex(pack(128n))).toBe("c90080");
    expect(hex(pack(32768n))).toBe("ca00008000");
    expect(hex(pack(2147483648n))).toBe("cb0000000080000000");
    expect(hex(pack(1.1))).toBe("c13ff199999999999a");
    expect(hex(pack("A"))).toBe("8141");
    expect(hex(pack("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))).toBe(
      "d01a" + Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZ").toString("hex"),
    );
    expect(hex(pack([1n, 2n, 3n]))).toBe("93010203");
    expect(hex(pack(new Map([["one", "eins"]])))).toBe("a1836f6e658465696e73");
    expect(hex(pack(structure(0x4e, [1n])))).toBe("b14e01");
  });

  it("uses the 16- and 32-bit size markers for long containers", () => {
    const list = Array.from({ length: 300 }, () => null);
    expect(hex(pack(list)).slice(0, 6)).toBe("d5012c");
    expect(unpack(pack(list))).toEqual(list);
    const s = "x".repeat(70000);
    expect(hex(pack(s)).slice(0, 10)).toBe("d200011170");
    expect(unpack(pack(s))).toBe(s);
  });

  it("round-trips any value", () => {
    fc.assert(
      fc.property(packValue, (v) => {
        expect(unpack(pack(v))).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it("refuses integers beyond 64 bits", () => {
    expect(() => pack(2n ** 63n)).toThrow(PackStreamError);
  });

  it("rejects malformed bytes only with PackStreamError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          unpack(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(PackStreamError);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("rejects mutated valid messages only with PackStreamError", () => {
    fc.assert(
      fc.property(packValue, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, at, byte) => {
        const bytes = pack(v);
        if (bytes.length > 0) bytes[at % bytes.length] = byte;
        try {
          unpack(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(PackStreamError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("bounds nesting instead of overflowing the stack", () => {
    const deep = new Uint8Array(100_000).fill(0x91); // a list containing a list containing …
    expect(() => unpack(deep)).toThrow(/nesting/);
  });

  it("rejects huge claimed sizes without allocating", () => {
    expect(() => unpack(Uint8Array.of(0xd6, 0xff, 0xff, 0xff, 0xff))).toThrow(PackStreamError);
    expect(() => unpack(Uint8Array.of(0xd2, 0xff, 0xff, 0xff, 0xff, 0x41))).toThrow(/truncated/);
  });

  it("rejects invalid UTF-8, non-string map keys and trailing bytes", () => {
    expect(() => unpack(Uint8Array.of(0x81, 0xff))).toThrow(/UTF-8/);
    expect(() => unpack(Uint8Array.of(0xa1, 0x01, 0x01))).toThrow(/keys/);
    expect(() => unpack(Uint8Array.of(0x01, 0x01))).toThrow(/unexpected bytes/);
    expect(() => unpack(Uint8Array.of(0xe0))).toThrow(/unknown PackStream marker/);
  });
});
