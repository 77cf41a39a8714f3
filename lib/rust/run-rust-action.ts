"use server";
/**
 * Server actions for Rust cells: run/test a project (streaming queue positions and the result),
 * cancel a run, and ask whether this server can run Rust at all. Inputs are zod-validated;
 * results are plain JSON-serialisable objects.
 */
import { headers } from "next/headers";
import { z } from "zod";
import { getSession } from "@/lib/auth/session";
import { requireRunner, SIGN_IN_TO_RUN } from "./require-runner";
import { runRustProject } from "./runner";
import { rustRunnerStatus } from "./status";
import { describeZodError, runRustInputSchema, stoppedResult, type RustRunEvent, type RustRunResult, type RustRunnerStatus } from "./types";

const ticketSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** Runs in flight on this instance, by ticket, so that the learner's Stop can reach them. */
const inFlight = new Map<string, { controller: AbortController; userId: string }>();

/**
 * Runs or tests a project. Returns at once with a stream of JSON events (`RustRunEvent`: queue
 * positions, then the result; read it with `readRustRunEvents`), so that the learner sees the
 * queue position and other actions (cancel) are not held up behind the build.
 */
export async function runRustAction(input: unknown): Promise<ReadableStream<string>> {
  const parsed = runRustInputSchema.safeParse(input);
  if (!parsed.success) return single(refusal(`The request was refused: ${describeZodError(parsed.error)}.`));
  const gate = await requireRunner(await headers());
  if (!gate.ok) return single(refusal(gate.message, "unavailable"));
  const status = rustRunnerStatus();
  if (!status.available) return single(refusal(status.reason ?? "Running Rust is unavailable here.", "unavailable"));

  const { files, mode, ticket } = parsed.data;
  const controller = new AbortController();
  if (ticket) inFlight.set(ticket, { controller, userId: gate.userId });
  let cancelled = false;
  return new ReadableStream<string>({
    async start(stream) {
      // After a cancel the stream is closed for writing; the run still winds down and cleans up.
      const send = (event: RustRunEvent) => {
        if (!cancelled) stream.enqueue(JSON.stringify(event));
      };
      try {
        const result = await runRustProject(files, {
          mode,
          ticket,
          signal: controller.signal,
          onQueuePosition: (position) => send({ type: "queue", position }),
        });
        send({ type: "result", result });
      } catch (error) {
        console.error("rust runner failed", error);
        send({ type: "result", result: refusal("The Rust runner failed unexpectedly; please try again.", "unavailable") });
      } finally {
        if (ticket) inFlight.delete(ticket);
        if (!cancelled) stream.close();
      }
    },
    // The learner's page went away: stop the build or the program.
    cancel() {
      cancelled = true;
      controller.abort();
    },
  });
}

function single(result: RustRunResult): ReadableStream<string> {
  return new ReadableStream<string>({
    start(stream) {
      stream.enqueue(JSON.stringify({ type: "result", result } satisfies RustRunEvent));
      stream.close();
    },
  });
}

export async function cancelRustRunAction(ticket: unknown): Promise<boolean> {
  const parsed = ticketSchema.safeParse(ticket);
  if (!parsed.success) return false;
  const run = inFlight.get(parsed.data);
  if (!run) return false;
  // Cancelling is not rate-limited; only the learner who started a run may stop it.
  if ((await getSession())?.id !== run.userId) return false;
  run.controller.abort();
  return true;
}

/** Whether this learner can run Rust here: the server's toolchain and sandbox, then a session. */
export async function rustRunnerStatusAction(): Promise<RustRunnerStatus> {
  const status = rustRunnerStatus();
  if (!status.available) return status;
  return (await getSession()) ? status : { available: false, reason: SIGN_IN_TO_RUN, signIn: true };
}

function refusal(message: string, status: RustRunResult["status"] = "compile-error"): RustRunResult {
  return stoppedResult(status, message);
}
