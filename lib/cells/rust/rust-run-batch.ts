/**
 * "Run all" for one Cargo project: the notebook sends the project's cells of the run together
 * (POST /api/rust/run-batch), so the learner's rate limit (RUST_RATE_LIMIT_PER_MINUTE) counts one
 * request per project and identical builds are done once — cells that make the same files in
 * the same mode (every cell of a project whose cells are different files) share one build, and
 * an exercise's check reuses its run's build. The cells without `project=` count as one group.
 * Each cell's result streams as soon as it is known. As for a single run, the lesson decides
 * which files exist, the manifest and the checks; the learner sends only code.
 */
import "server-only";
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import {
  findLessonCell,
  rustProjectForCell,
  type LessonCellRef,
} from "@/lib/exercises/lesson-cells";
import { logger } from "@/lib/http/log";
import { RouteError } from "@/lib/http/route";
import { cellIdSchema, lessonKeySchema } from "@/lib/progress/schemas";
import { projectFilesSchema, stoppedResult, type ProjectFile } from "@/lib/rust-sandbox/types";
import { fileOf } from "./project";
import { encodeRunEvent, type RustBatchEvent } from "./run-events";
import {
  checkExercise,
  ndjson,
  record,
  RUNNER_FAILED,
  streamRunEvents,
  ticketSchema,
  type RustRunDeps,
} from "./rust-run";

/** The longest lesson project has a handful of cells; this bounds what one request may build. */
const MAX_BATCH_CELLS = 24;
/** Each cell carries its project's files (at most 256 KB); JSON escaping can double that. */
export const MAX_RUST_BATCH_BODY_BYTES = 2_000_000;

export const rustBatchBodySchema = z.strictObject({
  lessonKey: lessonKeySchema,
  cells: z
    .array(z.strictObject({ cellId: cellIdSchema, files: projectFilesSchema }))
    .min(1)
    .max(MAX_BATCH_CELLS, `a batch may hold at most ${MAX_BATCH_CELLS} cells`)
    .refine(
      (cells) => new Set(cells.map((c) => c.cellId)).size === cells.length,
      "each cell may appear once",
    ),
  ticket: ticketSchema.optional(),
});
export type RustBatchBody = z.infer<typeof rustBatchBodySchema>;

/** The project a cell belongs to for batching; "" for the cells without `project=`. */
const batchGroupOf = (attributes: Record<string, string>): string => attributes.project ?? "";

interface PlannedCell {
  ref: LessonCellRef;
  files: ProjectFile[];
  /** The learner's files for the check (the other files solved), for an exercise with a check. */
  check?: { files: ProjectFile[]; text: string };
  file: string;
  mode: "run" | "test";
}

/** Validates the whole batch before anything builds: unknown cells, strangers, mixed projects. */
function planBatch(body: RustBatchBody): PlannedCell[] {
  const planned: PlannedCell[] = [];
  let group: string | null = null;
  for (const sent of body.cells) {
    const found = findLessonCell(body.lessonKey, sent.cellId, "rust");
    if (!found.ok) throw new RouteError(found.status, found.message);
    const own = batchGroupOf(found.cell.attributes);
    if (group !== null && own !== group)
      throw new RouteError(
        422,
        "A batch holds the cells of one project (or only cells without a project).",
      );
    group = own;
    const project = rustProjectForCell(found, sent.files, "run");
    if (!project.ok) throw new RouteError(project.status, project.message);
    const cell: PlannedCell = {
      ref: found,
      files: project.files,
      file: project.file,
      mode: found.cell.attributes.mode === "test" ? "test" : "run",
    };
    if (found.cell.role === "exercise" && found.cell.check !== undefined) {
      const forCheck = rustProjectForCell(found, sent.files, "check");
      if (!forCheck.ok) throw new RouteError(forCheck.status, forCheck.message);
      cell.check = { files: forCheck.files, text: found.cell.check };
    }
    planned.push(cell);
  }
  return planned;
}

function buildKey(files: ProjectFile[], mode: string | undefined): string {
  const hash = createHash("sha256").update(mode ?? "run");
  for (const f of files) hash.update(`\0${f.path}\0${f.content}`);
  return hash.digest("hex");
}

/**
 * The runner, once per distinct build in this batch: the same files in the same mode give the
 * same result, so the second asker gets the first build's.
 */
function buildOncePerBatch(run: RustRunDeps["run"]): RustRunDeps["run"] & {
  builds: () => number;
} {
  const done = new Map<string, ReturnType<RustRunDeps["run"]>>();
  const once = ((files, options) => {
    const key = buildKey(files as ProjectFile[], options?.mode);
    let result = done.get(key);
    if (!result) {
      result = run(files, options);
      done.set(key, result);
    }
    return result;
  }) as RustRunDeps["run"] & { builds: () => number };
  once.builds = () => done.size;
  return once;
}

export function startRustBatch(
  body: RustBatchBody,
  user: SessionUser,
  requestSignal: AbortSignal | undefined,
  deps: RustRunDeps,
): Response {
  const planned = planBatch(body);
  const status = deps.status();
  const encoder = new TextEncoder();
  if (!status.available) {
    const result = stoppedResult(
      "unavailable",
      status.reason ?? "Running Rust is unavailable here.",
    );
    const events: RustBatchEvent[] = [
      ...planned.map((p) => ({ type: "cell" as const, cellId: p.ref.cell.id, result })),
      { type: "done" },
    ];
    return ndjson(
      new ReadableStream({
        start(out) {
          for (const event of events) out.enqueue(encoder.encode(encodeRunEvent(event)));
          out.close();
        },
      }),
    );
  }
  const batchDeps: RustRunDeps = { ...deps, run: buildOncePerBatch(deps.run) };
  return streamRunEvents(body.ticket, user, requestSignal, {
    async work(send, options) {
      const { signal } = options;
      for (const cell of planned) {
        if (signal.aborted) break;
        const result = await batchDeps.run(cell.files, { ...options, mode: cell.mode });
        if (!cell.check || result.status !== "ok" || signal.aborted) {
          send({ type: "cell", cellId: cell.ref.cell.id, result });
          continue;
        }
        const checked = await checkExercise(
          cell.check.files,
          fileOf(cell.ref.cell),
          cell.check.text,
          cell.mode,
          options,
          batchDeps,
        );
        if (signal.aborted) {
          send({ type: "cell", cellId: cell.ref.cell.id, result });
          break;
        }
        const verdict = await record(
          { lessonKey: body.lessonKey, cellId: cell.ref.cell.id },
          user,
          checked,
          deps,
        );
        send({
          type: "cell",
          cellId: cell.ref.cell.id,
          result,
          check: { result: checked.result, verdict },
        });
      }
      send({ type: "done" });
    },
    failed(error, send) {
      logger.error({ err: error, lessonKey: body.lessonKey }, "rust batch failed");
      for (const cell of planned)
        send({ type: "cell", cellId: cell.ref.cell.id, result: RUNNER_FAILED });
      send({ type: "done" });
    },
  });
}
