/**
 * The cell runtime against the server's run logic and the real runner (no HTTP in between):
 * what a learner gets for the shout exercise of content/rust/01-ownership — a borrow error
 * underlined on the right line, and the lesson's check passing for the solution and failing
 * for a wrong answer.
 */
import { describe, expect, it } from "vitest";
import type { CellOutput, RunRequest } from "@/lib/notebook/types";
import { readRunEvents } from "./run-events";
import { runRustProject } from "@/lib/rust-sandbox/runner";
import { createRustRuntime } from "./rust-cell";
import { startRustRun } from "./rust-run";
import { rustRunnerStatus } from "@/lib/rust-sandbox/status";

const learner = {
  id: "integration",
  email: "integration@example.test",
  name: "integration",
  role: "learner" as const,
};
const runtime = createRustRuntime({
  run: (input, onQueuePosition) =>
    readRunEvents(
      startRustRun(input, learner, undefined, {
        run: runRustProject,
        record: async () => undefined,
        status: rustRunnerStatus,
      }).body!,
      onQueuePosition,
    ),
  cancel: async () => false,
  status: () => null,
});

const EXERCISE = `fn shout(name: String) -> String {
    format!("HELLO, {}!", name.to_uppercase())
}

fn main() {
    let name = String::from("ferris");
    println!("{}", shout(name));
    println!("{name}");
}
`;
const SOLUTION = EXERCISE.replace("name: String", "name: &str").replace(
  "shout(name)",
  "shout(&name)",
);
const WRONG = SOLUTION.replace("to_uppercase", "to_lowercase");
const CHECK = `#[test]
fn shout_borrows_and_uppercases() {
    let name = String::from("ferris");
    assert_eq!(shout(&name), "HELLO, FERRIS!");
    assert_eq!(name, "ferris");
}`;

function request(code: string): RunRequest {
  return {
    lessonKey: "rust/ownership/moves-and-borrows",
    cell: { id: "shout", kind: "rust", code },
    previousCells: [],
    lessonCells: [{ id: "shout", kind: "rust", code, attributes: {} }],
    attributes: { role: "exercise" },
  };
}

describe.skipIf(!rustRunnerStatus().available)("rust cell runtime with the real runner", () => {
  it("underlines the use after move in the exercise as given", async () => {
    const outputs: CellOutput[] = [];
    const outcome = await runtime.run(
      request(EXERCISE),
      (o) => outputs.push(o),
      new AbortController().signal,
    );
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.markers).toContainEqual(
      expect.objectContaining({
        line: 8,
        message: expect.stringContaining("borrow of moved value"),
      }),
    );
    expect(outputs).toContainEqual(expect.objectContaining({ type: "error", line: 8 }));
    expect(outputs).toContainEqual(
      expect.objectContaining({
        type: "text",
        stream: "stderr",
        text: expect.stringContaining("error[E0382]"),
      }),
    );
  });

  it("runs the solution and passes its check; a wrong answer fails the check", async () => {
    const outputs: CellOutput[] = [];
    const outcome = await runtime.run(
      request(SOLUTION),
      (o) => outputs.push(o),
      new AbortController().signal,
    );
    expect(outcome.status).toBe("ok");
    expect(outputs).toContainEqual({
      type: "text",
      stream: "stdout",
      text: "HELLO, FERRIS!\nferris\n",
    });
    const passed = await runtime.check?.(
      { ...request(SOLUTION), check: CHECK },
      () => undefined,
      new AbortController().signal,
    );
    expect(passed).toEqual({ passed: true, message: "All checks passed.", verifiedBy: "server" });
    const failed = await runtime.check?.(
      { ...request(WRONG), check: CHECK },
      () => undefined,
      new AbortController().signal,
    );
    expect(failed?.passed).toBe(false);
    expect(failed?.message).toContain("tests failed");
  });
});
