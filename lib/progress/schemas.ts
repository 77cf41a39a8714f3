import { z } from "zod";
import { isWellFormedText } from "./text";

// The sync protocol between the browser's outbox and POST /api/progress/sync. Every mutation has
// a client-generated uuid: the server records it, so sending a batch twice changes nothing.

export const MAX_SYNC_BODY_BYTES = 1_000_000;
const MAX_MUTATIONS_PER_BATCH = 200;
const MAX_CODE_CHARS = 200_000;
export const MAX_ERROR_CHARS = 4_000;

/** "track/chapter/lesson" slugs, as the content loader names lessons. */
export const lessonKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/,
    "lessonKey must be slash-separated slugs",
  );
export const cellIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, "cellId must be a slug");
// Postgres cannot hold NUL characters or unpaired UTF-16 surrogates (jsonb refuses them, text
// turns them into U+FFFD): refuse both here with a 422 naming the field, rather than fail in SQL.
const noNul = (value: string) => !value.includes("\u0000");
const WELL_FORMED =
  "must be well-formed text (it contains an unpaired UTF-16 surrogate, e.g. half of an emoji)";
const textSchema = (max: number) =>
  z
    .string()
    .max(max)
    .refine(noNul, "must not contain NUL characters")
    .refine(isWellFormedText, WELL_FORMED);
const lessonCodeHashSchema = textSchema(128).min(1);

const runStatusSchema = z.enum(["ok", "error", "timeout", "interrupted"]);

const base = {
  id: z.uuid(),
  lessonKey: lessonKeySchema,
  /** The server version of the cell this change was based on (0 = none seen yet). */
  clientVersion: z.number().int().min(0).max(2_147_483_647),
  /** When it happened on the client, in epoch milliseconds. */
  at: z.number().int().min(1_500_000_000_000).max(4_102_444_800_000),
};

const codeMutationSchema = z.object({
  ...base,
  kind: z.literal("code"),
  cellId: cellIdSchema,
  payload: z.object({
    /** null: back to the lesson's own code (reset cell / "take the new lesson code"). */
    code: textSchema(MAX_CODE_CHARS).nullable(),
    lessonCodeHash: lessonCodeHashSchema,
  }),
});

const runMutationSchema = z.object({
  ...base,
  kind: z.literal("run"),
  cellId: cellIdSchema,
  payload: z.object({
    status: runStatusSchema,
    durationMs: z.number().int().min(0).max(86_400_000),
    errorMessage: textSchema(MAX_ERROR_CHARS).optional(),
  }),
});

const attemptMutationSchema = z.object({
  ...base,
  kind: z.literal("attempt"),
  cellId: cellIdSchema,
  payload: z.object({
    passed: z.boolean(),
    durationMs: z.number().int().min(0).max(86_400_000),
    errorMessage: textSchema(MAX_ERROR_CHARS).optional(),
  }),
});

const lessonMutationSchema = z.object({
  ...base,
  kind: z.literal("lesson"),
  /** The cell the learner is at (visit), or any cell of the lesson. */
  cellId: cellIdSchema,
  payload: z.object({ event: z.enum(["visit", "complete", "reset"]) }),
});

const syncMutationSchema = z.discriminatedUnion("kind", [
  codeMutationSchema,
  runMutationSchema,
  attemptMutationSchema,
  lessonMutationSchema,
]);

export const syncBatchSchema = z.object({
  mutations: z.array(syncMutationSchema).min(1).max(MAX_MUTATIONS_PER_BATCH),
});

export type SyncMutation = z.infer<typeof syncMutationSchema>;
export type CodeMutation = z.infer<typeof codeMutationSchema>;
export type RunMutation = z.infer<typeof runMutationSchema>;
export type LessonMutation = z.infer<typeof lessonMutationSchema>;
export type SyncBatch = z.infer<typeof syncBatchSchema>;
export type RunStatus = z.infer<typeof runStatusSchema>;

/** The server's state of one cell after a batch, so the client can rebase its next edits. */
const cellSnapshotSchema = z.object({
  lessonKey: z.string(),
  cellId: z.string(),
  version: z.number().int(),
  code: z.string().nullable(),
  lessonCodeHash: z.string().nullable(),
  codeUpdatedAt: z.number().nullable(),
});
export type CellSnapshot = z.infer<typeof cellSnapshotSchema>;

/** A mutation acknowledged without effect (a browser-sent Cypher verdict, an unearned completion). */
const ignoredMutationSchema = z.object({ id: z.string(), reason: z.string() });
export type IgnoredMutation = z.infer<typeof ignoredMutationSchema>;

export const syncResultSchema = z.object({
  applied: z.array(z.string()),
  duplicates: z.array(z.string()),
  /** Not applied, the server's copy wins; includes every id in `ignored`. */
  stale: z.array(z.string()),
  ignored: z.array(ignoredMutationSchema).default([]),
  cells: z.array(cellSnapshotSchema),
});
export type SyncResult = z.infer<typeof syncResultSchema>;

/** Field errors for a 422 answer: "mutations.3.payload.code" → messages. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "(body)";
    (result[key] ??= []).push(issue.message);
  }
  return result;
}
