/**
 * Bolt request messages (client → server) decoded from PackStream structures into a typed
 * union, and the response messages we send. Decoding is exhaustive and strict about types
 * but lenient about extra metadata keys, as real servers are.
 */
import {
  isStructure,
  PackStreamError,
  structure,
  type PackStructure,
  type PackValue,
} from "./packstream";

const REQUEST = {
  hello: 0x01,
  goodbye: 0x02,
  reset: 0x0f,
  run: 0x10,
  begin: 0x11,
  commit: 0x12,
  rollback: 0x13,
  discard: 0x2f,
  pull: 0x3f,
  telemetry: 0x54,
  route: 0x66,
  logon: 0x6a,
  logoff: 0x6b,
} as const;

const RESPONSE = { success: 0x70, record: 0x71, ignored: 0x7e, failure: 0x7f } as const;

export type Meta = Map<string, PackValue>;

export type Request =
  | { type: "HELLO"; extra: Meta }
  | { type: "LOGON"; auth: Meta }
  | { type: "LOGOFF" }
  | { type: "TELEMETRY"; api: bigint }
  | { type: "GOODBYE" }
  | { type: "RESET" }
  | { type: "RUN"; query: string; params: Map<string, PackValue>; extra: Meta }
  | { type: "BEGIN"; extra: Meta }
  | { type: "COMMIT" }
  | { type: "ROLLBACK" }
  | { type: "PULL"; n: bigint; qid: bigint }
  | { type: "DISCARD"; n: bigint; qid: bigint }
  | { type: "ROUTE"; routing: Meta; bookmarks: PackValue[]; extra: Meta };

const asMap = (v: PackValue | undefined, what: string): Meta => {
  if (v instanceof Map) return v;
  if (v === null || v === undefined) return new Map();
  throw new PackStreamError(`${what} must be a map`);
};
const asString = (v: PackValue | undefined, what: string): string => {
  if (typeof v !== "string") throw new PackStreamError(`${what} must be a string`);
  return v;
};
const optInt = (v: PackValue | undefined, fallback: bigint, what: string): bigint => {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "bigint") throw new PackStreamError(`${what} must be an integer`);
  return v;
};

export function decodeRequest(value: PackValue): Request {
  if (!isStructure(value)) throw new PackStreamError("a Bolt message must be a structure");
  const f = value.fields;
  switch (value.signature) {
    case REQUEST.hello:
      return { type: "HELLO", extra: asMap(f[0], "HELLO extra") };
    case REQUEST.logon:
      return { type: "LOGON", auth: asMap(f[0], "LOGON auth") };
    case REQUEST.logoff:
      return { type: "LOGOFF" };
    case REQUEST.telemetry:
      return { type: "TELEMETRY", api: optInt(f[0], 0n, "TELEMETRY api") };
    case REQUEST.goodbye:
      return { type: "GOODBYE" };
    case REQUEST.reset:
      return { type: "RESET" };
    case REQUEST.run:
      return {
        type: "RUN",
        query: asString(f[0], "RUN query"),
        params: asMap(f[1], "RUN parameters"),
        extra: asMap(f[2], "RUN extra"),
      };
    case REQUEST.begin:
      return { type: "BEGIN", extra: asMap(f[0], "BEGIN extra") };
    case REQUEST.commit:
      return { type: "COMMIT" };
    case REQUEST.rollback:
      return { type: "ROLLBACK" };
    case REQUEST.pull:
    case REQUEST.discard: {
      const extra = asMap(f[0], "PULL extra");
      const n = optInt(extra.get("n"), -1n, "n");
      const qid = optInt(extra.get("qid"), -1n, "qid");
      return value.signature === REQUEST.pull
        ? { type: "PULL", n, qid }
        : { type: "DISCARD", n, qid };
    }
    case REQUEST.route: {
      const bookmarks = f[1];
      return {
        type: "ROUTE",
        routing: asMap(f[0], "ROUTE routing"),
        bookmarks: Array.isArray(bookmarks) ? bookmarks : [],
        extra: asMap(f[2], "ROUTE extra"),
      };
    }
    default:
      throw new PackStreamError(
        `unknown Bolt message 0x${value.signature.toString(16).padStart(2, "0")}`,
      );
  }
}

export function meta(entries: Record<string, PackValue | undefined>): Meta {
  const m: Meta = new Map();
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) m.set(k, v);
  return m;
}

export const success = (metadata: Meta = new Map()): PackStructure =>
  structure(RESPONSE.success, [metadata]);
export const record = (values: PackValue[]): PackStructure => structure(RESPONSE.record, [values]);
export const ignored = (): PackStructure => structure(RESPONSE.ignored, []);
export const failure = (
  code: string,
  message: string,
  extra: Record<string, PackValue> = {},
): PackStructure => structure(RESPONSE.failure, [meta({ code, message, ...extra })]);
