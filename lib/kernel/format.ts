/**
 * Turns cell values into outputs: console arguments into text, `display(x)` into a tensor,
 * table or text output. Everything produced here is structured-clone safe.
 */
import type * as tfTypes from "@tensorflow/tfjs";
import type { CellOutput } from "@/lib/notebook/types";

export type Tf = typeof tfTypes;

const MAX_TABLE_ROWS = 500;
const MAX_PREVIEW_LINES = 30;
const MAX_DEPTH = 3;
const MAX_ITEMS = 50;

function isTensor(tf: Tf, x: unknown): x is tfTypes.Tensor {
  return x instanceof tf.Tensor;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A readable one-value rendering, like the browser console's, bounded in size. */
export function formatValue(tf: Tf, x: unknown, depth = 0): string {
  if (typeof x === "string") return depth === 0 ? x : JSON.stringify(x);
  if (typeof x === "number" || typeof x === "boolean" || typeof x === "undefined" || x === null)
    return String(x);
  if (typeof x === "bigint") return `${x}n`;
  if (typeof x === "symbol") return x.toString();
  if (typeof x === "function") return `[Function ${x.name || "(anonymous)"}]`;
  if (x instanceof Error)
    return x.stack && depth === 0 ? `${x.name}: ${x.message}` : `${x.name}: ${x.message}`;
  if (isTensor(tf, x)) {
    if (x.isDisposed) return `Tensor (disposed) shape=[${x.shape.join(",")}]`;
    return x.toString();
  }
  if (depth >= MAX_DEPTH) return Array.isArray(x) ? "[…]" : "{…}";
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const arr = Array.from(x as unknown as ArrayLike<number | bigint>).slice(0, MAX_ITEMS);
    const more = (x as unknown as ArrayLike<unknown>).length > MAX_ITEMS ? ", …" : "";
    return `${x.constructor.name}(${(x as unknown as ArrayLike<unknown>).length}) [${arr.join(", ")}${more}]`;
  }
  if (Array.isArray(x)) {
    const items = x.slice(0, MAX_ITEMS).map((v) => formatValue(tf, v, depth + 1));
    return `[${items.join(", ")}${x.length > MAX_ITEMS ? `, … ${x.length - MAX_ITEMS} more` : ""}]`;
  }
  if (x instanceof Map) {
    const items = [...x.entries()]
      .slice(0, MAX_ITEMS)
      .map(([k, v]) => `${formatValue(tf, k, depth + 1)} => ${formatValue(tf, v, depth + 1)}`);
    return `Map(${x.size}) {${items.join(", ")}}`;
  }
  if (x instanceof Set) {
    return `Set(${x.size}) {${[...x]
      .slice(0, MAX_ITEMS)
      .map((v) => formatValue(tf, v, depth + 1))
      .join(", ")}}`;
  }
  const obj = x as Record<string, unknown>;
  const name = isPlainObject(x) ? "" : `${(x as object).constructor?.name ?? "Object"} `;
  const keys = Object.keys(obj).slice(0, MAX_ITEMS);
  const body = keys.map((k) => `${k}: ${formatValue(tf, obj[k], depth + 1)}`).join(", ");
  return `${name}{${body}}`;
}

export function formatConsoleArgs(tf: Tf, args: unknown[]): string {
  return args.map((a) => formatValue(tf, a)).join(" ");
}

/** Table cells stay numbers/strings/booleans/null; anything else becomes its rendering. */
function tableCell(tf: Tf, v: unknown): unknown {
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean")
    return v;
  if (v === undefined) return null;
  return formatValue(tf, v, 1);
}

function table(tf: Tf, columns: string[], rows: unknown[][], caption?: string): CellOutput {
  const shown = rows.slice(0, MAX_TABLE_ROWS).map((r) => r.map((v) => tableCell(tf, v)));
  return {
    type: "table",
    columns,
    rows: shown,
    ...(rows.length > shown.length ? { totalRows: rows.length } : {}),
    ...(caption ? { caption } : {}),
  };
}

interface HistoryLike {
  epoch: number[];
  history: Record<string, unknown[]>;
}

function isHistory(x: unknown): x is HistoryLike {
  const h = x as Partial<HistoryLike> | null;
  return (
    typeof h === "object" &&
    h !== null &&
    Array.isArray(h.epoch) &&
    typeof h.history === "object" &&
    h.history !== null
  );
}

interface ModelLike {
  summary(lineLength?: number, positions?: number[], printFn?: (...args: unknown[]) => void): void;
  layers: unknown[];
}

function isModel(x: unknown): x is ModelLike {
  const m = x as Partial<ModelLike> | null;
  return (
    typeof m === "object" &&
    m !== null &&
    typeof m.summary === "function" &&
    Array.isArray(m.layers)
  );
}

/** tfjs elides only the outer axes; long nested tensors still print thousands of lines. */
function tensorPreview(t: tfTypes.Tensor): string {
  const lines = t.toString().split("\n");
  if (lines.length <= MAX_PREVIEW_LINES) return lines.join("\n");
  const head = lines.slice(0, 20);
  const tail = lines.slice(-6);
  return [...head, `    … ${lines.length - head.length - tail.length} more lines …`, ...tail].join(
    "\n",
  );
}

/** What `display(x)` shows. */
export function displayOutput(tf: Tf, x: unknown): CellOutput {
  if (typeof x === "string") return { type: "text", stream: "stdout", text: x };
  if (isTensor(tf, x)) {
    if (x.isDisposed)
      return { type: "text", stream: "stderr", text: "display(): this tensor has been disposed" };
    return { type: "tensor", shape: [...x.shape], dtype: x.dtype, preview: tensorPreview(x) };
  }
  if (isModel(x)) {
    const lines: string[] = [];
    x.summary(undefined, undefined, (...args: unknown[]) => lines.push(args.map(String).join(" ")));
    return { type: "text", stream: "stdout", text: lines.join("\n") };
  }
  if (isHistory(x)) {
    const keys = Object.keys(x.history);
    return table(
      tf,
      ["epoch", ...keys],
      x.epoch.map((e, i) => [e + 1, ...keys.map((k) => x.history[k]?.[i])]),
      "Training history",
    );
  }
  if (Array.isArray(x) && x.length > 0) {
    if (x.every((r) => isPlainObject(r))) {
      const columns = [...new Set(x.flatMap((r) => Object.keys(r as object)))];
      return table(
        tf,
        columns,
        x.map((r) => columns.map((c) => (r as Record<string, unknown>)[c])),
      );
    }
    if (x.every((r) => Array.isArray(r))) {
      const width = Math.max(...x.map((r) => (r as unknown[]).length));
      return table(
        tf,
        Array.from({ length: width }, (_, i) => String(i)),
        x as unknown[][],
      );
    }
  }
  if (isPlainObject(x)) {
    return table(
      tf,
      ["key", "value"],
      Object.entries(x).map(([k, v]) => [k, v]),
    );
  }
  return { type: "text", stream: "stdout", text: formatValue(tf, x) };
}

/** Plotly data arrays may be tensors or typed arrays in cells; send plain arrays. */
export function normalizeTraces(tf: Tf, traces: unknown): unknown[] {
  const list = Array.isArray(traces) ? traces : [traces];
  return list.map((trace) => {
    if (!isPlainObject(trace)) return trace;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(trace)) {
      if (isTensor(tf, v)) out[k] = Array.from(v.dataSync() as ArrayLike<number>);
      else if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        out[k] = Array.from(v as unknown as ArrayLike<number>);
      else out[k] = v;
    }
    return out;
  });
}
