/**
 * The messages between the page and the kernel worker. Both sides parse what they receive
 * with these schemas: a worker is a boundary like any other.
 */
import { z } from "zod";
import type { CellOutput, PlanOperator } from "@/lib/notebook/types";
import { isSharedBuffer } from "./interrupt";

export const BACKENDS = ["wasm", "cpu", "webgl", "webgpu"] as const;
export const backendSchema = z.enum(BACKENDS);
export type Backend = z.infer<typeof backendSchema>;

// Cypher's EXPLAIN/PROFILE tree: part of the shared output contract (the kernel never sends one).
const planOperatorSchema: z.ZodType<PlanOperator> = z.lazy(() =>
  z.object({
    operator: z.string(),
    details: z.string().optional(),
    identifiers: z.array(z.string()),
    estimatedRows: z.number().optional(),
    rows: z.number().optional(),
    dbHits: z.number().optional(),
    children: z.array(planOperatorSchema),
  }),
);

const graphNodeSchema = z.object({
  id: z.string(),
  labels: z.array(z.string()),
  properties: z.record(z.string(), z.unknown()),
});
const graphRelationshipSchema = z.object({
  id: z.string(),
  type: z.string(),
  startId: z.string(),
  endId: z.string(),
  properties: z.record(z.string(), z.unknown()),
});

const cellOutputSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("text"),
    stream: z.enum(["stdout", "stderr", "info"]),
    text: z.string(),
  }),
  z.object({
    type: z.literal("table"),
    columns: z.array(z.string()),
    rows: z.array(z.array(z.unknown())),
    totalRows: z.number().int().nonnegative().optional(),
    caption: z.string().optional(),
  }),
  z.object({
    type: z.literal("tensor"),
    shape: z.array(z.number().int().nonnegative()),
    dtype: z.string(),
    preview: z.string(),
  }),
  z.object({
    type: z.literal("plot"),
    plotId: z.string(),
    traces: z.array(z.unknown()),
    layout: z.record(z.string(), z.unknown()).optional(),
  }),
  z.object({
    type: z.literal("progress"),
    progressId: z.string(),
    label: z.string(),
    value: z.number(),
    max: z.number(),
    etaSeconds: z.number().optional(),
    detail: z.string().optional(),
  }),
  z.object({
    type: z.literal("graph"),
    nodes: z.array(graphNodeSchema),
    relationships: z.array(graphRelationshipSchema),
  }),
  z.object({
    type: z.literal("error"),
    name: z.string(),
    message: z.string(),
    line: z.number().int().positive().optional(),
    column: z.number().int().positive().optional(),
    causeCellId: z.string().optional(),
  }),
  z.object({ type: z.literal("success"), message: z.string() }),
  z.object({
    type: z.literal("plan"),
    mode: z.enum(["explain", "profile"]),
    root: planOperatorSchema,
    totalDbHits: z.number().optional(),
    omitted: z.number().optional(),
  }),
]);

// Compile-time guard: the schema and the shared contract must describe the same thing.
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const _outputsMatch: Equal<z.infer<typeof cellOutputSchema>, CellOutput> = true;
void _outputsMatch;

const memoryInfoSchema = z.object({
  numTensors: z.number().int().nonnegative(),
  numBytes: z.number().nonnegative(),
});
export type MemoryInfo = z.infer<typeof memoryInfoSchema>;

const cellErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
});
export type CellError = z.infer<typeof cellErrorSchema>;

const sourceCellSchema = z.object({ id: z.string(), code: z.string() });

const mainToWorkerSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("init"),
    backend: backendSchema,
    /** Replace tf.layers.lstm/gru/simpleRNN with the fast implementation when available. */
    fastRnn: z.boolean(),
    /** Where the wasm binaries are served, e.g. "/tfjs/". */
    wasmPath: z.string(),
    /**
     * Threads for the wasm backend (its threaded build; needs cross-origin isolation). Absent or
     * 0: the single-threaded SIMD build, as the notebook runs — threads did not help at the
     * lessons' sizes (docs/benchmarks/train.md#threads); `bench:train --wasm-threads` measures it.
     */
    wasmThreads: z.number().int().min(0).max(16).optional(),
    /** The page sends `plot-drawn` after drawing a plot, so training may wait for it. */
    drawAcks: z.boolean().optional(),
    /** The interrupt flag (interrupt.ts); absent when the page is not cross-origin isolated. */
    interruptBuffer: z
      .custom<SharedArrayBuffer>(
        (v) => isSharedBuffer(v) && v.byteLength >= 4,
        "expected a SharedArrayBuffer of at least 4 bytes",
      )
      .optional(),
  }),
  z.object({
    type: z.literal("run"),
    runId: z.string(),
    cellId: z.string(),
    code: z.string(),
    /** Earlier cells of the lesson, only to name the cell that defines a missing name. */
    previousCells: z.array(sourceCellSchema),
  }),
  z.object({ type: z.literal("set-backend"), backend: backendSchema }),
  z.object({ type: z.literal("plot-drawn"), plotId: z.string().max(200) }),
]);
export type MainToWorker = z.infer<typeof mainToWorkerSchema>;

const workerToMainSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    backend: backendSchema,
    /** Set when the requested backend failed and another one is used instead. */
    notice: z.string().optional(),
    memory: memoryInfoSchema,
  }),
  z.object({ type: z.literal("outputs"), runId: z.string(), outputs: z.array(cellOutputSchema) }),
  z.object({
    type: z.literal("done"),
    runId: z.string(),
    /** "interrupted": the cell stopped at an interrupt check; the kernel and its names live on. */
    status: z.enum(["ok", "error", "interrupted"]),
    error: cellErrorSchema.optional(),
    durationMs: z.number().nonnegative(),
    memory: memoryInfoSchema,
    /** Tensors no scope name refers to that this run added (a leak), 0 when none. */
    leakedTensors: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal("memory"), memory: memoryInfoSchema }),
  /** The worker cannot continue (e.g. the wasm heap aborted); the client restarts it. */
  z.object({ type: z.literal("fatal"), message: z.string() }),
]);
export type WorkerToMain = z.infer<typeof workerToMainSchema>;

export type ParseResult<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, data: unknown): ParseResult<T> {
  const r = schema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: z.prettifyError(r.error) };
}

export function parseMainToWorker(data: unknown): ParseResult<MainToWorker> {
  return parseWith(mainToWorkerSchema, data);
}

export function parseWorkerToMain(data: unknown): ParseResult<WorkerToMain> {
  return parseWith(workerToMainSchema, data);
}
