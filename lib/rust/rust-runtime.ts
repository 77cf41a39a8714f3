/**
 * The Rust cell runtime for the notebook (kind "rust"), talking to the server actions.
 * Whether this learner can run Rust here (a toolchain, a sandbox, a session) comes from one
 * action call, made when the notebook opens and again when the learner signs in or out; until
 * it answers Run stays enabled, and the server re-checks on every run anyway.
 */
import { cancelRustRunAction, runRustAction, rustRunnerStatusAction } from "./run-rust-action";
import { createRustRuntime } from "./rust-cell";
import { readRustRunEvents, type RustRunnerStatus } from "./types";

let availability: RustRunnerStatus | null = null;

export const rustRuntime = createRustRuntime({
  run: async (input, onQueuePosition) => readRustRunEvents(await runRustAction(input), onQueuePosition),
  cancel: (ticket) => cancelRustRunAction(ticket),
  status: () => availability,
  refreshStatus: async () => {
    try {
      availability = await rustRunnerStatusAction();
    } catch {
      availability = null; // unknown: keep Run enabled, the run itself will explain
    }
  },
});
