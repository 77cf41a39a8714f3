/**
 * PackStream v1 (the Bolt serialisation format): a pure encoder and a defensive decoder.
 * The decoder never trusts the bytes: every length is checked against what is left, nesting is
 * bounded, and every malformed input ends in a `PackStreamError` — never a RangeError or a hang.
 */

/** A PackStream structure: a signature byte and its fields (nodes, dates, Bolt messages…). */
export interface PackStructure {
  readonly kind: "structure";
  readonly signature: number;
  readonly fields: PackValue[];
}

/** What travels on the wire. INTEGER is always a bigint, FLOAT always a number. */
export type PackValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | PackValue[]
  | Map<string, PackValue>
  | PackStructure;

export class PackStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackStreamError";
  }
}

export function structure(signature: number, fields: PackValue[]): PackStructure {
  return { kind: "structure", signature, fields };
}

export function isStructure(value: PackValue): value is PackStructure {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Map) &&
    !(value instanceof Uint8Array)
  );
}

const INT8_MIN = -128n;
const INT8_MAX = 127n;
const INT16_MIN = -32768n;
const INT16_MAX = 32767n;
const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A growable byte buffer; grows by doubling so packing large results stays linear. */
export class PackWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }
  private u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }
  private u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }
  private raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  private sizedHeader(
    size: number,
    tiny: number | null,
    m8: number,
    m16: number,
    m32: number,
  ): void {
    if (tiny !== null && size < 16) this.u8(tiny | size);
    else if (size < 0x100) {
      this.u8(m8);
      this.u8(size);
    } else if (size < 0x10000) {
      this.u8(m16);
      this.u16(size);
    } else if (size <= 0xffffffff) {
      this.u8(m32);
      this.u32(size);
    } else throw new PackStreamError(`value too large to pack (${size} items)`);
  }

  pack(value: PackValue): void {
    if (value === null) this.u8(0xc0);
    else if (value === true) this.u8(0xc3);
    else if (value === false) this.u8(0xc2);
    else if (typeof value === "bigint") this.packInt(value);
    else if (typeof value === "number") {
      this.u8(0xc1);
      this.ensure(8);
      this.view.setFloat64(this.pos, value);
      this.pos += 8;
    } else if (typeof value === "string") {
      const bytes = encoder.encode(value);
      this.sizedHeader(bytes.length, 0x80, 0xd0, 0xd1, 0xd2);
      this.raw(bytes);
    } else if (value instanceof Uint8Array) {
      this.sizedHeader(value.length, null, 0xcc, 0xcd, 0xce);
      this.raw(value);
    } else if (Array.isArray(value)) {
      this.sizedHeader(value.length, 0x90, 0xd4, 0xd5, 0xd6);
      for (const item of value) this.pack(item);
    } else if (value instanceof Map) {
      this.sizedHeader(value.size, 0xa0, 0xd8, 0xd9, 0xda);
      for (const [k, v] of value) {
        this.pack(k);
        this.pack(v);
      }
    } else if (
      typeof value === "object" &&
      Array.isArray(value.fields) &&
      typeof value.signature === "number"
    ) {
      if (value.fields.length > 15) throw new PackStreamError("a structure has at most 15 fields");
      this.u8(0xb0 | value.fields.length);
      this.u8(value.signature);
      for (const field of value.fields) this.pack(field);
    } else throw new PackStreamError(`cannot pack ${typeof value} values`);
  }

  private packInt(v: bigint): void {
    if (v < INT64_MIN || v > INT64_MAX)
      throw new PackStreamError(`integer ${v} does not fit in 64 bits`);
    if (v >= -16n && v <= 127n) this.u8(Number(BigInt.asUintN(8, v)));
    else if (v >= INT8_MIN && v <= INT8_MAX) {
      this.u8(0xc8);
      this.u8(Number(BigInt.asUintN(8, v)));
    } else if (v >= INT16_MIN && v <= INT16_MAX) {
      this.u8(0xc9);
      this.ensure(2);
      this.view.setInt16(this.pos, Number(v));
      this.pos += 2;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
      this.u8(0xca);
      this.ensure(4);
      this.view.setInt32(this.pos, Number(v));
      this.pos += 4;
    } else {
      this.u8(0xcb);
      this.ensure(8);
      this.view.setBigInt64(this.pos, v);
      this.pos += 8;
    }
  }
}

export function pack(value: PackValue): Uint8Array {
  const w = new PackWriter();
  w.pack(value);
  return w.bytes();
}

export interface UnpackLimits {
  /** Maximum nesting of lists/maps/structures (guards the call stack). */
  maxDepth: number;
}

const DEFAULT_LIMITS: UnpackLimits = { maxDepth: 200 };

/** Reads values from one buffer; every read is bounds-checked. */
class PackReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: UnpackLimits = DEFAULT_LIMITS,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number): void {
    if (n > this.bytes.length - this.pos)
      throw new PackStreamError(
        `truncated PackStream data (need ${n} more bytes at offset ${this.pos})`,
      );
  }
  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
  private slice(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  private string(n: number): string {
    const bytes = this.slice(n);
    try {
      return decoder.decode(bytes);
    } catch {
      throw new PackStreamError("invalid UTF-8 in a PackStream string");
    }
  }
  /** A container claims `n` items; each needs at least one byte, so reject impossible counts early. */
  private count(n: number): number {
    if (n > this.remaining)
      throw new PackStreamError(
        `container claims ${n} items but only ${this.remaining} bytes remain`,
      );
    return n;
  }

  unpack(depth = 0): PackValue {
    if (depth > this.limits.maxDepth)
      throw new PackStreamError(`PackStream nesting deeper than ${this.limits.maxDepth}`);
    const marker = this.u8();
    if (marker < 0x80) return BigInt(marker);
    if (marker >= 0xf0) return BigInt(marker - 0x100);
    const high = marker & 0xf0;
    const low = marker & 0x0f;
    if (high === 0x80) return this.string(low);
    if (high === 0x90) return this.list(low, depth);
    if (high === 0xa0) return this.map(low, depth);
    if (high === 0xb0) return this.struct(low, depth);
    switch (marker) {
      case 0xc0:
        return null;
      case 0xc1: {
        this.need(8);
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc8: {
        this.need(1);
        return BigInt(this.view.getInt8(this.pos++));
      }
      case 0xc9: {
        this.need(2);
        const v = this.view.getInt16(this.pos);
        this.pos += 2;
        return BigInt(v);
      }
      case 0xca: {
        this.need(4);
        const v = this.view.getInt32(this.pos);
        this.pos += 4;
        return BigInt(v);
      }
      case 0xcb: {
        this.need(8);
        const v = this.view.getBigInt64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xcc:
        return this.slice(this.u8());
      case 0xcd:
        return this.slice(this.u16());
      case 0xce:
        return this.slice(this.u32());
      case 0xd0:
        return this.string(this.u8());
      case 0xd1:
        return this.string(this.u16());
      case 0xd2:
        return this.string(this.u32());
      case 0xd4:
        return this.list(this.u8(), depth);
      case 0xd5:
        return this.list(this.u16(), depth);
      case 0xd6:
        return this.list(this.u32(), depth);
      case 0xd8:
        return this.map(this.u8(), depth);
      case 0xd9:
        return this.map(this.u16(), depth);
      case 0xda:
        return this.map(this.u32(), depth);
      default:
        throw new PackStreamError(
          `unknown PackStream marker 0x${marker.toString(16).padStart(2, "0")}`,
        );
    }
  }

  private list(n: number, depth: number): PackValue[] {
    const size = this.count(n);
    const out: PackValue[] = new Array<PackValue>(size);
    for (let i = 0; i < size; i++) out[i] = this.unpack(depth + 1);
    return out;
  }

  private map(n: number, depth: number): Map<string, PackValue> {
    const size = this.count(n);
    const out = new Map<string, PackValue>();
    for (let i = 0; i < size; i++) {
      const key = this.unpack(depth + 1);
      if (typeof key !== "string") throw new PackStreamError("PackStream map keys must be strings");
      out.set(key, this.unpack(depth + 1));
    }
    return out;
  }

  private struct(n: number, depth: number): PackStructure {
    const signature = this.u8();
    const fields: PackValue[] = [];
    for (let i = 0; i < n; i++) fields.push(this.unpack(depth + 1));
    return structure(signature, fields);
  }
}

/** Decodes exactly one value; trailing bytes are an error (a Bolt message is one structure). */
export function unpack(bytes: Uint8Array, limits?: UnpackLimits): PackValue {
  const reader = new PackReader(bytes, limits);
  const value = reader.unpack();
  if (reader.remaining !== 0)
    throw new PackStreamError(`${reader.remaining} unexpected bytes after a PackStream value`);
  return value;
}
