/**
 * The Rust cell runtime for the notebook (kind "rust"), talking to the server actions.
 * Whether this server can run Rust comes from the page (`setRustRunnerAvailability` with the
 * server's `rustRunnerStatus()`) or from one action call (`refreshRustRunnerAvailability`);
 * until then Run stays enabled and the server re-checks on every run.
 */
import { cancelRustRunAction, runRustAction, rustRunnerStatusAction } from "./run-rust-action";
import { createRustRuntime } from "./rust-cell";
import { readRustRunEvents, type RustRunnerStatus } from "./types";

let availability: RustRunnerStatus | null = null;

export function setRustRunnerAvailability(status: RustRunnerStatus): void {
  availability = status;
}

/** Asks the server (one action call) and remembers the answer; call when loading the runtime. */
export async function refreshRustRunnerAvailability(): Promise<RustRunnerStatus> {
  try {
    availability = await rustRunnerStatusAction();
  } catch {
    availability = null; // unknown: keep Run enabled, the run itself will explain
  }
  return availability ?? { available: true };
}

export const rustRuntime = createRustRuntime({
  run: async (input, onQueuePosition) => readRustRunEvents(await runRustAction(input), onQueuePosition),
  cancel: (ticket) => cancelRustRunAction(ticket),
  status: () => availability,
});
