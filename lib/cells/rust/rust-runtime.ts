/**
 * The Rust cell runtime for the notebook (kind "rust"), talking to the /api/rust routes.
 * Whether this learner can run Rust here (a toolchain, a sandbox, a session) comes from
 * GET /api/rust/status, asked when the notebook opens and again when the learner signs in or
 * out; until it answers the notebook keeps Run disabled ("checking", see the descriptor), and
 * if it cannot answer Run is enabled: the server re-checks on every run anyway.
 */
import { postJson } from "@/lib/http/api-client";
import { createRustRuntime } from "./rust-cell";
import { readBatchEvents, readRunEvents } from "./run-events";
import type { RustRunnerStatus } from "@/lib/rust-sandbox/types";

const MESSAGES = {
  signIn:
    "Sign in to run Rust cells: they build on this server, so running is for learners with an account.",
  unreachable: "Could not reach the server to run Rust",
};

let availability: RustRunnerStatus | null = null;

// Each run's fetch has its own AbortController. Stop goes to /api/rust/cancel by ticket, and the
// stream then brings the "cancelled" result; if the server does not know the run, aborting the
// fetch closes the stream, which stops the run on the server as well.
const runs = new Map<string, AbortController>();

export const rustRuntime = createRustRuntime({
  run: async (input, onQueuePosition) => {
    const controller = new AbortController();
    runs.set(input.ticket, controller);
    try {
      const response = await postJson("/api/rust/run", input, controller.signal, MESSAGES);
      if (!response.body) throw new Error("the server answered without a body");
      return await readRunEvents(response.body, onQueuePosition);
    } finally {
      runs.delete(input.ticket);
    }
  },
  runBatch: async (input, onQueuePosition, onCell) => {
    const controller = new AbortController();
    runs.set(input.ticket, controller);
    try {
      const response = await postJson("/api/rust/run-batch", input, controller.signal, MESSAGES);
      if (!response.body) throw new Error("the server answered without a body");
      await readBatchEvents(response.body, onQueuePosition, onCell);
    } finally {
      runs.delete(input.ticket);
    }
  },
  cancel: async (ticket) => {
    const answer = await postJson("/api/rust/cancel", { ticket }, undefined, MESSAGES)
      .then((response) => response.json() as Promise<{ cancelled: boolean }>)
      .catch(() => ({ cancelled: false }));
    if (!answer.cancelled) runs.get(ticket)?.abort();
    return answer.cancelled;
  },
  status: () => availability,
  refreshStatus: async () => {
    try {
      const response = await fetch("/api/rust/status", { credentials: "same-origin" });
      availability = response.ok ? ((await response.json()) as RustRunnerStatus) : null;
    } catch {
      availability = null; // unknown: keep Run enabled, the run itself will explain
    }
  },
});
