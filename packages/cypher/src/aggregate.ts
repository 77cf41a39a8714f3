import type { Expr } from "./ast";
import type { CypherValue, DurationValue } from "./values";
import { isTemporal, typeName } from "./values";
import { orderValues } from "./compare";
import { CypherError } from "./errors";
import { evaluate, type EvalCtx, type Row } from "./eval";
import { checkInt } from "./arith";
import { temporalAdd, durationMul } from "./temporal";
import { valueKey } from "./value-key";

const badArg = (fn: string, v: CypherValue): CypherError =>
  new CypherError(
    "TypeError",
    "runtime",
    "InvalidArgumentType",
    `Type mismatch: ${fn}() cannot aggregate ${typeName(v)}`,
  );

function percentileArg(ctx: EvalCtx, e: Expr | undefined, rows: Row[]): number {
  if (!e)
    throw new CypherError(
      "SyntaxError",
      "compile time",
      "InvalidNumberOfArguments",
      "percentile requires 2 arguments",
    );
  const v = evaluate(e, rows[0] ?? new Map(), ctx);
  const p = typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : NaN;
  if (!(p >= 0 && p <= 1))
    throw new CypherError(
      "ArgumentError",
      "runtime",
      "NumberOutOfRange",
      `Number out of range: ${String(v)}; percentile must be between 0.0 and 1.0`,
    );
  return p;
}

/** Computes one aggregate call over the rows of a group. */
export function computeAggregate(
  call: Extract<Expr, { t: "call" }>,
  rows: Row[],
  ctx: EvalCtx,
): CypherValue {
  const fn = call.name.toLowerCase();
  if (call.star) return BigInt(rows.length);
  const arg = call.args[0];
  if (!arg)
    throw new CypherError(
      "SyntaxError",
      "compile time",
      "InvalidNumberOfArguments",
      `${call.name}() requires an argument`,
    );
  let values: CypherValue[] = [];
  for (const r of rows) {
    const v = evaluate(arg, r, ctx);
    if (v !== null) values.push(v);
  }
  if (call.distinct) {
    const seen = new Set<string>();
    values = values.filter((v) => {
      const k = valueKey(v);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  switch (fn) {
    case "count":
      return BigInt(values.length);
    case "collect":
      return values;
    case "sum": {
      if (values.length === 0) return 0n;
      if (values.every((v) => isTemporal(v) && v.kind === "duration")) {
        let acc = values[0] as CypherValue;
        for (const v of values.slice(1))
          acc = temporalAdd(acc as DurationValue, v as DurationValue, 1);
        return acc;
      }
      let acc: bigint | number = 0n;
      for (const v of values) {
        if (typeof v !== "bigint" && typeof v !== "number") throw badArg("sum", v);
        acc =
          typeof acc === "bigint" && typeof v === "bigint"
            ? checkInt(acc + v)
            : Number(acc) + Number(v);
      }
      return acc;
    }
    case "avg": {
      if (values.length === 0) return null;
      if (values.every((v) => isTemporal(v) && v.kind === "duration")) {
        let acc = values[0] as CypherValue;
        for (const v of values.slice(1))
          acc = temporalAdd(acc as DurationValue, v as DurationValue, 1);
        return durationMul(acc as DurationValue, values.length, "/");
      }
      let s = 0;
      for (const v of values) {
        if (typeof v !== "bigint" && typeof v !== "number") throw badArg("avg", v);
        s += Number(v);
      }
      return s / values.length;
    }
    case "min":
    case "max": {
      if (values.length === 0) return null;
      let best: CypherValue = values[0] ?? null;
      for (const v of values.slice(1)) {
        const c = orderValues(v, best);
        if (fn === "min" ? c < 0 : c > 0) best = v;
      }
      return best;
    }
    case "stdev":
    case "stdevp": {
      const nums = values.map((v) => {
        if (typeof v !== "bigint" && typeof v !== "number") throw badArg(fn, v);
        return Number(v);
      });
      const n = nums.length;
      if (n === 0 || (fn === "stdev" && n === 1)) return 0;
      const mean = nums.reduce((a, b) => a + b, 0) / n;
      const ss = nums.reduce((a, b) => a + (b - mean) ** 2, 0);
      return Math.sqrt(ss / (fn === "stdev" ? n - 1 : n));
    }
    case "percentilecont":
    case "percentiledisc": {
      const p = percentileArg(ctx, call.args[1], rows);
      const nums = values
        .map((v) => {
          if (typeof v !== "bigint" && typeof v !== "number") throw badArg(fn, v);
          return v;
        })
        .sort((a, b) => (Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0));
      if (nums.length === 0) return null;
      if (fn === "percentiledisc") {
        const idx = p === 0 ? 0 : Math.ceil(p * nums.length) - 1;
        return nums[Math.max(0, Math.min(nums.length - 1, idx))]!;
      }
      const pos = p * (nums.length - 1);
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      const a = Number(nums[lo]!);
      const b = Number(nums[hi]!);
      return a + (b - a) * (pos - lo);
    }
  }
  throw new CypherError(
    "SyntaxError",
    "compile time",
    "UnknownFunction",
    `Unknown aggregate ${call.name}`,
  );
}
