/**
 * What the Rust routes do once validatedRoute has let a request through (a signed-in learner
 * within their rate limit): run, test or check a lesson's Rust cell, streaming queue positions
 * and the result as NDJSON; cancel a run; say whether this learner can run Rust here.
 * The project's files, manifest and check come from the lesson source (lesson-cells.ts); the
 * learner supplies only the Rust code of the project's files.
 */
import "server-only";
import { z } from "zod";
import type { SessionUser } from "@/lib/auth/session";
import { findExercise, findLessonCell, rustProjectForCell } from "@/lib/exercises/lesson-cells";
import { logger } from "@/lib/http/log";
import { RouteError } from "@/lib/http/route";
import { cellIdSchema, lessonKeySchema } from "@/lib/progress/schemas";
import { recordVerdictOrLog } from "@/lib/exercises/record-verdict";
import { recordServerVerdict, type ServerVerdictInput } from "@/lib/progress/verdicts";
import {
  encodeRunEvent,
  NDJSON_CONTENT_TYPE,
  type RustBatchEvent,
  type RustRunEvent,
  type RustVerdict,
} from "./run-events";
import { withCheckModule } from "./project";
import {
  cancelRustBuildElsewhere,
  onRemoteCancel,
  runRustBuild,
  rustBuildStatus,
} from "@/lib/rust-sandbox/build-service";
import {
  projectFilesSchema,
  stoppedResult,
  type ProjectFile,
  type RustRunResult,
  type RustRunnerStatus,
} from "@/lib/rust-sandbox/types";

/** A build costs this server seconds of CPU, so running is for accounts. */
export const SIGN_IN_TO_RUN =
  "Sign in to run Rust cells: they build on this server, so running is for learners with an account. You can read and edit the code without one.";

/** Files are at most 256 KB in all; JSON escaping can double that. */
export const MAX_RUST_BODY_BYTES = 600_000;

const ticketSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "a ticket is 8 to 64 letters, digits, _ or -");

export const rustRunBodySchema = z.strictObject({
  lessonKey: lessonKeySchema,
  cellId: cellIdSchema,
  /** The learner's project as the notebook assembled it; only its .rs files' code is used. */
  files: projectFilesSchema,
  /** "check": run the exercise, then the lesson's #[test] check on it. */
  mode: z.enum(["run", "test", "check"]),
  /** Client-chosen id, so that the learner's Stop can reach this run (POST /api/rust/cancel). */
  ticket: ticketSchema.optional(),
});
export type RustRunBody = z.infer<typeof rustRunBodySchema>;

export { ticketSchema };

export const rustCancelBodySchema = z.strictObject({ ticket: ticketSchema });

// Runs in flight, by ticket, so that the learner's Stop can reach them. On globalThis: the run
// and cancel routes are bundled separately and must share one registry.
const IN_FLIGHT = Symbol.for("courses.rust.inFlight");
type GlobalWithRuns = typeof globalThis & {
  [IN_FLIGHT]?: Map<string, { controller: AbortController; userId: string }>;
};
function inFlight(): Map<string, { controller: AbortController; userId: string }> {
  return ((globalThis as GlobalWithRuns)[IN_FLIGHT] ??= new Map());
}

export type RustRunDeps = {
  run: typeof runRustBuild;
  record: (verdict: ServerVerdictInput) => Promise<unknown>;
  status: typeof rustBuildStatus;
};
const defaults: RustRunDeps = {
  run: runRustBuild,
  record: recordServerVerdict,
  status: rustBuildStatus,
};

/** Starts a run and answers at once with its NDJSON event stream. */
export function startRustRun(
  body: RustRunBody,
  user: SessionUser,
  requestSignal: AbortSignal | undefined,
  deps: RustRunDeps = defaults,
): Response {
  const found =
    body.mode === "check"
      ? findExercise(body.lessonKey, body.cellId, "rust")
      : findLessonCell(body.lessonKey, body.cellId, "rust");
  if (!found.ok) throw new RouteError(found.status, found.message);
  const check = found.cell.check;
  const project = rustProjectForCell(found, body.files, body.mode === "check" ? "check" : "run");
  if (!project.ok) throw new RouteError(project.status, project.message);
  const status = deps.status();
  if (!status.available)
    return ndjson(
      single({
        type: "result",
        result: stoppedResult("unavailable", status.reason ?? "Running Rust is unavailable here."),
      }),
    );
  return streamRunEvents(body.ticket, user, requestSignal, {
    async work(send, options) {
      if (body.mode !== "check") {
        send({
          type: "result",
          result: await deps.run(project.files, { ...options, mode: body.mode }),
        });
        return;
      }
      const checked = await checkExercise(
        project.files,
        project.file,
        check ?? "",
        found.cell.attributes.mode === "test" ? "test" : "run",
        options,
        deps,
      );
      const verdict = options.signal.aborted ? undefined : await record(body, user, checked, deps);
      send(
        verdict
          ? { type: "result", result: checked.result, verdict }
          : { type: "result", result: checked.result },
      );
    },
    failed(error, send) {
      logger.error(
        { err: error, lessonKey: body.lessonKey, cellId: body.cellId },
        "rust runner failed",
      );
      send({ type: "result", result: RUNNER_FAILED });
    },
  });
}

export const RUNNER_FAILED = stoppedResult(
  "unavailable",
  "The Rust runner failed unexpectedly; please try again.",
);

type RunEvent = RustRunEvent | RustBatchEvent;

export type RunOptions = {
  signal: AbortSignal;
  onQueuePosition(position: number): void;
  ticket?: string;
  /** Whose build it is (queue mode queues one build per learner at a time). */
  learner: string;
};

/**
 * The streamed answer of a Rust run (one cell or a Run all): the run is registered under the
 * learner's ticket (so /api/rust/cancel can stop it), stopped when the page goes away, its events
 * sent as NDJSON until the work ends; a failure of the runner itself is logged and answered.
 */
export function streamRunEvents(
  ticket: string | undefined,
  user: SessionUser,
  requestSignal: AbortSignal | undefined,
  handlers: {
    work(send: (event: RunEvent) => void, options: RunOptions): Promise<void>;
    failed(error: unknown, send: (event: RunEvent) => void): void;
  },
): Response {
  if (ticket && inFlight().has(ticket))
    throw new RouteError(409, "A run with this ticket is already in progress.");
  const controller = new AbortController();
  if (ticket) inFlight().set(ticket, { controller, userId: user.id });
  // The learner's page went away (the fetch was aborted): stop the build or the program.
  requestSignal?.addEventListener("abort", () => controller.abort(), { once: true });
  const encoder = new TextEncoder();
  let closed = false;

  const stream = new ReadableStream<Uint8Array>({
    async start(out) {
      // After a cancel the stream is closed for writing; the run still winds down and cleans up.
      const send = (event: RunEvent) => {
        if (!closed) out.enqueue(encoder.encode(encodeRunEvent(event)));
      };
      const options: RunOptions = {
        signal: controller.signal,
        onQueuePosition: (position) => send({ type: "queue", position }),
        learner: user.id,
        ...(ticket ? { ticket } : {}),
      };
      try {
        await handlers.work(send, options);
      } catch (error) {
        handlers.failed(error, send);
      } finally {
        if (ticket) inFlight().delete(ticket);
        if (!closed) {
          closed = true;
          out.close();
        }
      }
    },
    cancel() {
      closed = true;
      controller.abort();
    },
  });
  return ndjson(stream);
}

export type Checked = {
  result: RustRunResult;
  passed: boolean;
  message: string;
  durationMs: number;
};

/** As content:check judges an exercise: it must build and run, then the lesson's #[test]s must pass. */
export async function checkExercise(
  files: ProjectFile[],
  file: string,
  check: string,
  cellMode: "run" | "test",
  options: RunOptions,
  deps: RustRunDeps,
): Promise<Checked> {
  const started = Date.now();
  const ran = await deps.run(files, { ...options, mode: cellMode });
  if (ran.status !== "ok") {
    return {
      result: ran,
      passed: false,
      message: `The exercise must build and run before it is checked: ${ran.message ?? ran.status}.`,
      durationMs: Date.now() - started,
    };
  }
  const tested = await deps.run(withCheckModule(files, file, check), { ...options, mode: "test" });
  const passed = tested.status === "ok";
  return {
    result: tested,
    passed,
    message: passed ? "All checks passed." : (tested.message ?? "Some checks failed."),
    durationMs: Date.now() - started,
  };
}

export async function record(
  body: Pick<RustRunBody, "lessonKey" | "cellId">,
  user: SessionUser,
  checked: Checked,
  deps: RustRunDeps,
): Promise<RustVerdict> {
  const recorded = await recordVerdictOrLog(
    deps.record,
    {
      userId: user.id,
      lessonKey: body.lessonKey,
      cellId: body.cellId,
      passed: checked.passed,
      durationMs: checked.durationMs,
      errorMessage: checked.passed ? undefined : checked.message,
    },
    "Rust",
  );
  return { passed: checked.passed, message: checked.message, verifiedBy: "server", recorded };
}

/** Stops a run; only the learner who started it may. */
function cancelRunHere(ticket: string, userId: string): boolean {
  const run = inFlight().get(ticket);
  if (!run || run.userId !== userId) return false;
  run.controller.abort();
  return true;
}

// Behind a balancer the Stop may reach another app instance than the one streaming the run;
// in queue mode it is passed on through Redis to the instance that has it.
onRemoteCancel(cancelRunHere);

/** Stops a run here, or (queue mode) on the instance streaming it; only its learner may. */
export async function cancelRustRun(
  ticket: string,
  user: SessionUser,
): Promise<{ cancelled: boolean }> {
  if (cancelRunHere(ticket, user.id)) return { cancelled: true };
  return { cancelled: await cancelRustBuildElsewhere(ticket, user.id) };
}

/** Whether this learner can run Rust here: the server's toolchain and sandbox, then a session. */
export function rustStatusFor(
  user: SessionUser | null,
  status: RustRunnerStatus = rustBuildStatus(),
): RustRunnerStatus {
  if (!status.available) return status;
  return user ? status : { available: false, reason: SIGN_IN_TO_RUN, signIn: true };
}

function single(event: RustRunEvent): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(out) {
      out.enqueue(new TextEncoder().encode(encodeRunEvent(event)));
      out.close();
    },
  });
}

export function ndjson(stream: ReadableStream<Uint8Array>): Response {
  // no-transform: a compressing proxy or Next's gzip would hold the queue positions back.
  return new Response(stream, {
    headers: {
      "content-type": NDJSON_CONTENT_TYPE,
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
