/**
 * Each cell kind's runner for content:check (Node only: the runners start kernels, Bolt servers
 * and sandboxes, so this list is kept apart from the browser's `registry.ts`).
 */
import type { Runners } from "@/lib/content/check/check-lesson";
import { createCypherRunner, type CypherRunner } from "./cypher/check-runner";
import { createRustRunner } from "./rust/check-runner";
import { createTfjsRunner } from "./tfjs/check-runner";

export interface CheckRunnerOptions {
  backend: "wasm" | "cpu";
  trainingScale: number;
}

/** The runners, and `close()` for what they started. */
export function createCheckRunners(options: CheckRunnerOptions): {
  runners: Runners;
  close(): Promise<void>;
} {
  const cypher: CypherRunner = createCypherRunner();
  return {
    runners: {
      tfjs: createTfjsRunner({ backend: options.backend, trainingScale: options.trainingScale }),
      cypher,
      rust: createRustRunner(),
    },
    close: () => cypher.close(),
  };
}
