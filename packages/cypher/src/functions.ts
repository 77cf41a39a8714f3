import type { Expr } from "./ast";
import type { CypherValue } from "./values";
import {
  isMap,
  isNode,
  isRelationship,
  isPath,
  isTemporal,
  makeMap,
  typeName,
  formatFloat,
} from "./values";
import { CypherError } from "./errors";
import type { EvalCtx, Row } from "./eval";
import { AGGREGATES, evaluate, propertyOf } from "./eval";
import { checkInt } from "./arith";
import { TEMPORAL_FUNCTIONS, formatTemporalString } from "./temporal";

type Fn = (args: CypherValue[], ctx: EvalCtx) => CypherValue;

const argType = (fn: string, v: CypherValue, expected: string): CypherError =>
  new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentType",
    `Type mismatch: ${fn}() expected ${expected} but was ${typeName(v)}`,
  );

const num = (fn: string, v: CypherValue): number => {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  throw argType(fn, v, "a number");
};
const int = (fn: string, v: CypherValue): bigint => {
  if (typeof v === "bigint") return v;
  throw argType(fn, v, "an integer");
};
const str = (fn: string, v: CypherValue): string => {
  if (typeof v === "string") return v;
  throw argType(fn, v, "a string");
};

/** Math function over FLOAT; null in → null out. */
const math1 =
  (fn: string, f: (x: number) => number): Fn =>
  ([a]) =>
    a === null || a === undefined ? null : f(num(fn, a));

function toStringValue(v: CypherValue, fn = "toString"): CypherValue {
  if (v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return formatFloat(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (isTemporal(v)) return formatTemporalString(v);
  throw new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentValue",
    `${fn}() cannot convert ${typeName(v)}`,
  );
}

function parseIntegerText(s: string): CypherValue {
  const t = s.trim();
  if (/^[-+]?\d+$/.test(t)) {
    const b = BigInt(t);
    return b > 9223372036854775807n || b < -9223372036854775808n ? null : b;
  }
  const f = Number(t);
  if (t !== "" && Number.isFinite(f) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) {
    const b = BigInt(Math.trunc(f));
    return b > 9223372036854775807n || b < -9223372036854775808n ? null : b;
  }
  return null;
}

function toIntegerValue(v: CypherValue, orNull = false): CypherValue {
  if (v === null) return null;
  if (typeof v === "bigint") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
    return checkInt(BigInt(Math.trunc(v)));
  }
  if (typeof v === "string") return parseIntegerText(v);
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (orNull) return null;
  throw new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentValue",
    `toInteger() cannot convert ${typeName(v)}`,
  );
}

function toFloatValue(v: CypherValue, orNull = false): CypherValue {
  if (v === null) return null;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string") {
    const t = v.trim();
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) || /^[-+]?(NaN|Infinity)$/.test(t))
      return Number(t);
    return null;
  }
  if (orNull) return null;
  throw new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentValue",
    `toFloat() cannot convert ${typeName(v)}`,
  );
}

function toBooleanValue(v: CypherValue, orNull = false): CypherValue {
  if (v === null) return null;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    return t === "true" ? true : t === "false" ? false : null;
  }
  if (typeof v === "bigint") return v !== 0n;
  if (orNull) return null;
  throw new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentValue",
    `toBoolean() cannot convert ${typeName(v)}`,
  );
}

function roundHalf(x: number, precision: number, mode: string): number {
  const f = Math.pow(10, precision);
  const y = x * f;
  let r: number;
  switch (mode) {
    case "UP":
      r = y < 0 ? -Math.ceil(-y) : Math.ceil(y);
      break;
    case "DOWN":
      r = Math.trunc(y);
      break;
    case "CEILING":
      r = Math.ceil(y);
      break;
    case "FLOOR":
      r = Math.floor(y);
      break;
    case "HALF_UP":
      r = Math.sign(y) * Math.round(Math.abs(y));
      break;
    case "HALF_DOWN": {
      const a = Math.abs(y);
      const fl = Math.floor(a);
      r = Math.sign(y) * (a - fl > 0.5 ? fl + 1 : fl);
      break;
    }
    case "HALF_EVEN": {
      const a = Math.abs(y);
      const fl = Math.floor(a);
      const d = a - fl;
      r = Math.sign(y) * (d > 0.5 ? fl + 1 : d < 0.5 ? fl : fl % 2 === 0 ? fl : fl + 1);
      break;
    }
    default:
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "InvalidArgumentValue",
        `Unknown rounding mode ${mode}`,
      );
  }
  return r / f;
}

function nodeOrRel(fn: string, v: CypherValue): void {
  if (!isNode(v) && !isRelationship(v)) throw argType(fn, v, "a node or relationship");
}

const FUNCTIONS: Record<string, Fn> = {
  // ------------------------------------------------------------ scalar / graph
  id: ([v], ctx) => {
    if (v === null || v === undefined) return null;
    nodeOrRel("id", v);
    void ctx;
    return (v as { id: bigint }).id;
  },
  elementid: ([v]) => {
    if (v === null || v === undefined) return null;
    nodeOrRel("elementId", v);
    return `${(v as { kind: string }).kind === "node" ? "n" : "r"}:${(v as { id: bigint }).id}`;
  },
  type: ([v]) => {
    if (v === null || v === undefined) return null;
    if (!isRelationship(v))
      throw new CypherError(
        "TypeError",
        "runtime",
        "InvalidArgumentValue",
        `type() expects a relationship, got ${typeName(v)}`,
      );
    return v.type;
  },
  labels: ([v], ctx) => {
    if (v === null || v === undefined) return null;
    if (!isNode(v)) throw argType("labels", v, "a node");
    if (ctx.graph.deleted.has(v))
      throw new CypherError(
        "EntityNotFound",
        "runtime",
        "DeletedEntityAccess",
        `Node ${v.id} has been deleted`,
      );
    return [...(ctx.graph.nodes.get(v.id) ?? v).labels];
  },
  keys: ([v], ctx) => {
    if (v === null || v === undefined) return null;
    if (isMap(v)) return [...v.entries.keys()];
    if (isNode(v)) return [...(ctx.graph.nodes.get(v.id) ?? v).properties.keys()];
    if (isRelationship(v)) return [...(ctx.graph.rels.get(v.id) ?? v).properties.keys()];
    throw argType("keys", v, "a map, node or relationship");
  },
  properties: ([v], ctx) => {
    if (v === null || v === undefined) return null;
    if (isMap(v)) return v;
    if (isNode(v)) return makeMap((ctx.graph.nodes.get(v.id) ?? v).properties);
    if (isRelationship(v)) return makeMap((ctx.graph.rels.get(v.id) ?? v).properties);
    throw argType("properties", v, "a map, node or relationship");
  },
  length: ([v]) => {
    if (v === null || v === undefined) return null;
    if (isPath(v)) return BigInt(v.relationships.length);
    throw argType("length", v, "a path");
  },
  size: ([v]) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "string") return BigInt([...v].length);
    if (Array.isArray(v)) return BigInt(v.length);
    throw argType("size", v, "a string or list");
  },
  head: ([v]) => {
    if (v === null || v === undefined) return null;
    if (!Array.isArray(v)) throw argType("head", v, "a list");
    return v[0] ?? null;
  },
  last: ([v]) => {
    if (v === null || v === undefined) return null;
    if (!Array.isArray(v)) throw argType("last", v, "a list");
    return v[v.length - 1] ?? null;
  },
  tail: ([v]) => {
    if (v === null || v === undefined) return null;
    if (!Array.isArray(v)) throw argType("tail", v, "a list");
    return v.slice(1);
  },
  isempty: ([v]) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "string") return v.length === 0;
    if (Array.isArray(v)) return v.length === 0;
    if (isMap(v)) return v.entries.size === 0;
    throw argType("isEmpty", v, "a string, list or map");
  },
  coalesce: (args) => args.find((a) => a !== null) ?? null,
  startnode: ([v], ctx) => {
    if (v === null || v === undefined) return null;
    if (!isRelationship(v)) throw argType("startNode", v, "a relationship");
    return ctx.graph.nodes.get(v.startId) ?? null;
  },
  endnode: ([v], ctx) => {
    if (v === null || v === undefined) return null;
    if (!isRelationship(v)) throw argType("endNode", v, "a relationship");
    return ctx.graph.nodes.get(v.endId) ?? null;
  },
  nodes: ([v]) => {
    if (v === null || v === undefined) return null;
    if (!isPath(v)) throw argType("nodes", v, "a path");
    return [...v.nodes];
  },
  relationships: ([v]) => {
    if (v === null || v === undefined) return null;
    if (!isPath(v)) throw argType("relationships", v, "a path");
    return [...v.relationships];
  },
  range: ([a, b, c], ctx) => {
    const rint = (v: CypherValue | undefined): bigint => {
      if (typeof v === "bigint") return v;
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "InvalidArgumentType",
        `range() expects integer arguments, got ${typeName(v ?? null)}`,
      );
    };
    const start = rint(a);
    const end = rint(b);
    const step = c === undefined ? 1n : rint(c);
    if (step === 0n)
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "NumberOutOfRange",
        "Step argument to range() can't be 0",
      );
    const out: CypherValue[] = [];
    const n =
      step > 0n
        ? end >= start
          ? (end - start) / step + 1n
          : 0n
        : start >= end
          ? (start - end) / -step + 1n
          : 0n;
    if (n > 50_000_000n)
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "NumberOutOfRange",
        `range() would produce ${n} elements, which is more than this engine holds in memory`,
      );
    for (let x = start; step > 0n ? x <= end : x >= end; x += step) {
      ctx.tick();
      out.push(x);
    }
    return out;
  },
  reverse: ([v]) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "string") return [...v].reverse().join("");
    if (Array.isArray(v)) return [...v].reverse();
    throw argType("reverse", v, "a string or list");
  },
  tostring: ([v]) => toStringValue(v ?? null),
  tostringornull: ([v]) => {
    try {
      return toStringValue(v ?? null);
    } catch {
      return null;
    }
  },
  tointeger: ([v]) => toIntegerValue(v ?? null),
  tointegerornull: ([v]) => toIntegerValue(v ?? null, true),
  tofloat: ([v]) => toFloatValue(v ?? null),
  tofloatornull: ([v]) => toFloatValue(v ?? null, true),
  toboolean: ([v]) => toBooleanValue(v ?? null),
  tobooleanornull: ([v]) => toBooleanValue(v ?? null, true),
  tobooleanlist: ([v]) => listConv(v, (x) => toBooleanValue(x, true), "toBooleanList"),
  tointegerlist: ([v]) => listConv(v, (x) => toIntegerValue(x, true), "toIntegerList"),
  tofloatlist: ([v]) => listConv(v, (x) => toFloatValue(x, true), "toFloatList"),
  tostringlist: ([v]) =>
    listConv(
      v,
      (x) => {
        try {
          return toStringValue(x);
        } catch {
          return null;
        }
      },
      "toStringList",
    ),
  timestamp: (_a, ctx) => BigInt(ctx.now),
  rand: () => Math.random(),
  randomuuid: () => {
    const h = "0123456789abcdef";
    let s = "";
    for (let i = 0; i < 32; i++) s += h[Math.floor(Math.random() * 16)];
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-a${s.slice(17, 20)}-${s.slice(20)}`;
  },
  // ------------------------------------------------------------ strings
  toupper: ([v]) => (v === null || v === undefined ? null : str("toUpper", v).toUpperCase()),
  upper: ([v]) => (v === null || v === undefined ? null : str("upper", v).toUpperCase()),
  tolower: ([v]) => (v === null || v === undefined ? null : str("toLower", v).toLowerCase()),
  lower: ([v]) => (v === null || v === undefined ? null : str("lower", v).toLowerCase()),
  trim: ([v]) => (v === null || v === undefined ? null : str("trim", v).trim()),
  btrim: ([v]) => (v === null || v === undefined ? null : str("btrim", v).trim()),
  ltrim: ([v]) => (v === null || v === undefined ? null : str("lTrim", v).trimStart()),
  rtrim: ([v]) => (v === null || v === undefined ? null : str("rTrim", v).trimEnd()),
  replace: ([s, a, b]) => {
    if (s === null || a === null || b === null) return null;
    return str("replace", s ?? null)
      .split(str("replace", a ?? null))
      .join(str("replace", b ?? null));
  },
  split: ([s, d]) => {
    if (s === null || d === null) return null;
    const x = str("split", s ?? null);
    if (Array.isArray(d)) {
      const ds = d.map((y) => str("split", y));
      let parts = [x];
      for (const sep of ds) parts = parts.flatMap((p) => p.split(sep));
      return parts;
    }
    return x.split(str("split", d ?? null));
  },
  left: ([s, n]) => {
    if (n === null || n === undefined) throw argType("left", null, "an integer");
    const k = int("left", n);
    if (k < 0n)
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "NegativeIntegerArgument",
        "left() length must be non-negative",
      );
    if (s === null || s === undefined) return null;
    return str("left", s).slice(0, Number(k));
  },
  right: ([s, n]) => {
    if (n === null || n === undefined) throw argType("right", null, "an integer");
    const k = int("right", n);
    if (k < 0n)
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "NegativeIntegerArgument",
        "right() length must be non-negative",
      );
    if (s === null || s === undefined) return null;
    const x = str("right", s);
    return k === 0n ? "" : x.slice(Math.max(0, x.length - Number(k)));
  },
  substring: ([s, st, len]) => {
    if (s === null || s === undefined) return null;
    const x = str("substring", s);
    const a = int("substring", st ?? null);
    if (a < 0n)
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "NegativeIntegerArgument",
        "substring() start must be non-negative",
      );
    if (len === undefined) return x.slice(Number(a));
    const l = int("substring", len);
    if (l < 0n)
      throw new CypherError(
        "ArgumentError",
        "runtime",
        "NegativeIntegerArgument",
        "substring() length must be non-negative",
      );
    return x.slice(Number(a), Number(a + l));
  },
  // ------------------------------------------------------------ math
  abs: ([v]) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return checkInt(v < 0n ? -v : v);
    return Math.abs(num("abs", v));
  },
  ceil: math1("ceil", Math.ceil),
  floor: math1("floor", Math.floor),
  round: ([v, p, m]) => {
    if (v === null || v === undefined || p === null || m === null) return null;
    const x = num("round", v);
    // one-argument round() is Java's Math.round: halves go towards positive infinity
    if (p === undefined) return Math.round(x) + 0;
    const prec = Number(int("round", p));
    const mode = m === undefined ? "HALF_UP" : str("round", m).toUpperCase();
    if (typeof v === "bigint" && m === undefined) return Number(v);
    return roundHalf(x, prec, mode);
  },
  sign: ([v]) => {
    if (v === null || v === undefined) return null;
    if (typeof v === "bigint") return v > 0n ? 1n : v < 0n ? -1n : 0n;
    const x = num("sign", v);
    return Number.isNaN(x) ? 0n : BigInt(Math.sign(x));
  },
  sqrt: math1("sqrt", Math.sqrt),
  cbrt: math1("cbrt", Math.cbrt),
  exp: math1("exp", Math.exp),
  log: math1("log", Math.log),
  log10: math1("log10", Math.log10),
  sin: math1("sin", Math.sin),
  cos: math1("cos", Math.cos),
  tan: math1("tan", Math.tan),
  cot: math1("cot", (x) => 1 / Math.tan(x)),
  asin: math1("asin", Math.asin),
  acos: math1("acos", Math.acos),
  atan: math1("atan", Math.atan),
  sinh: math1("sinh", Math.sinh),
  cosh: math1("cosh", Math.cosh),
  tanh: math1("tanh", Math.tanh),
  coth: math1("coth", (x) => 1 / Math.tanh(x)),
  atan2: ([a, b]) =>
    a === null || b === null || a === undefined || b === undefined
      ? null
      : Math.atan2(num("atan2", a), num("atan2", b)),
  degrees: math1("degrees", (x) => (x * 180) / Math.PI),
  radians: math1("radians", (x) => (x * Math.PI) / 180),
  haversin: math1("haversin", (x) => (1 - Math.cos(x)) / 2),
  pi: () => Math.PI,
  e: () => Math.E,
  isnan: ([v]) =>
    v === null || v === undefined
      ? null
      : typeof v === "number"
        ? Number.isNaN(v)
        : (num("isNaN", v), false),
  // ------------------------------------------------------------ misc
  exists: ([v]) => (v === undefined ? null : v !== null),
  valuetype: ([v]) => (v === undefined ? null : typeName(v) + (v === null ? "" : " NOT NULL")),
};

function listConv(
  v: CypherValue | undefined,
  f: (x: CypherValue) => CypherValue,
  fn: string,
): CypherValue {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw argType(fn, v, "a list");
  return v.map(f);
}

/** Every function the engine knows, lower-case as it looks them up (for editor completion). */
export function functionNames(): string[] {
  return [...Object.keys(FUNCTIONS), ...Object.keys(TEMPORAL_FUNCTIONS), ...AGGREGATES].sort();
}

export function hasFunction(name: string): boolean {
  const n = name.toLowerCase();
  return n in FUNCTIONS || n in TEMPORAL_FUNCTIONS;
}

export function callFunction(name: string, argExprs: Expr[], row: Row, ctx: EvalCtx): CypherValue {
  const n = name.toLowerCase();
  if (n === "exists" && argExprs.length === 1) {
    const a = argExprs[0]!;
    if (a.t === "pattern") return ctx.matchPattern([a.pattern], row).length > 0;
    if (a.t === "prop") {
      const o = evaluate(a.obj, row, ctx);
      return o === null ? null : propertyOf(ctx.graph, o, a.key) !== null;
    }
  }
  const args = argExprs.map((a) => evaluate(a, row, ctx));
  const f = FUNCTIONS[n] ?? TEMPORAL_FUNCTIONS[n];
  if (!f)
    throw new CypherError(
      "SyntaxError",
      "compile time",
      "UnknownFunction",
      `Unknown function '${name}'`,
    );
  return f(args, ctx);
}
