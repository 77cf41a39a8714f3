/**
 * What POST /api/rust/run streams back, one JSON object per line (NDJSON): queue positions
 * while the run waits (0 when its build starts), then exactly one result, which for a check
 * carries the server's verdict. Streamed so the learner sees the queue position while a build
 * is pending. Import-safe in the browser.
 */
import { z } from "zod";
import {
  describeZodError,
  rustRunResultSchema,
  type RustRunResult,
} from "@/lib/rust-sandbox/types";

const rustVerdictSchema = z.object({
  passed: z.boolean(),
  message: z.string(),
  verifiedBy: z.literal("server"),
  /** Whether the verdict was stored for the learner (false when storage failed). */
  recorded: z.boolean(),
});
export type RustVerdict = z.infer<typeof rustVerdictSchema>;

const rustRunEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("queue"), position: z.number().int().min(0) }),
  z.object({
    type: z.literal("result"),
    result: rustRunResultSchema,
    verdict: rustVerdictSchema.optional(),
  }),
]);
export type RustRunEvent = z.infer<typeof rustRunEventSchema>;

/**
 * What POST /api/rust/run-batch streams: queue positions of its builds, one "cell" event per cell
 * as soon as its result is known (with the check's result and verdict for an exercise whose run
 * succeeded), then "done".
 */
const rustBatchEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("queue"), position: z.number().int().min(0) }),
  z.object({
    type: z.literal("cell"),
    cellId: z.string(),
    result: rustRunResultSchema,
    check: z.object({ result: rustRunResultSchema, verdict: rustVerdictSchema }).optional(),
  }),
  z.object({ type: z.literal("done") }),
]);
export type RustBatchEvent = z.infer<typeof rustBatchEventSchema>;
export type RustBatchCellResult = Extract<RustBatchEvent, { type: "cell" }>;

export const NDJSON_CONTENT_TYPE = "application/x-ndjson; charset=utf-8";

export function encodeRunEvent(event: RustRunEvent | RustBatchEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/** The stream's non-empty lines as they arrive; `ended` is thrown if it ends before the reader stops. */
async function* ndjsonLines(
  body: ReadableStream<Uint8Array>,
  ended: string,
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      buffered += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line) yield line;
      }
      if (done) throw new Error(ended);
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** Reads the stream line by line: reports queue positions, resolves with the result (and verdict). */
export async function readRunEvents(
  body: ReadableStream<Uint8Array>,
  onQueuePosition: (position: number) => void,
): Promise<{ result: RustRunResult; verdict?: RustVerdict }> {
  for await (const line of ndjsonLines(body, "the server ended the run without a result")) {
    const event = parseLine(line);
    if (event.type === "queue") onQueuePosition(event.position);
    else
      return event.verdict
        ? { result: event.result, verdict: event.verdict }
        : { result: event.result };
  }
  throw new Error("the server ended the run without a result"); // unreachable: the lines throw first
}

/** Reads a batch's stream: reports queue positions and each cell's result as they come. */
export async function readBatchEvents(
  body: ReadableStream<Uint8Array>,
  onQueuePosition: (position: number) => void,
  onCell: (cell: RustBatchCellResult) => void,
): Promise<void> {
  for await (const line of ndjsonLines(body, "the server ended the runs without finishing them")) {
    const event = parseLine(line, rustBatchEventSchema);
    if (event.type === "queue") onQueuePosition(event.position);
    else if (event.type === "cell") onCell(event);
    else return;
  }
}

function parseLine<T>(line: string, schema: z.ZodType<T>): T;
function parseLine(line: string): RustRunEvent;
function parseLine(line: string, schema: z.ZodType<unknown> = rustRunEventSchema): unknown {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error("the server sent an unreadable run event");
  }
  const event = schema.safeParse(json);
  if (!event.success)
    throw new Error(`the server sent an unexpected run event (${describeZodError(event.error)})`);
  return event.data;
}
