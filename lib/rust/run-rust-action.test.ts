import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { readRustRunEvents } from "./types";

// The session lookup is replaced (this test has no browser to sign in with; the e2e signs in
// for real): `signedIn` is the learner the request's cookie belongs to, or null.
let signedIn: string | null = "learner-1";
const sessionUser = async () => (signedIn ? { id: signedIn, email: `${signedIn}@example.test`, name: signedIn, role: "learner" as const } : null);
vi.mock("next/headers", () => ({ headers: async () => new Headers() }));
vi.mock("@/lib/auth/session", () => ({ getSessionFromHeaders: sessionUser, getSession: sessionUser }));

const { cancelRustRunAction, runRustAction, rustRunnerStatusAction } = await import("./run-rust-action");
const { SIGN_IN_TO_RUN } = await import("./require-runner");
const { rustRunnerStatus } = await import("./status");

const files = [
  { path: "Cargo.toml", content: `[package]\nname = "action"\nversion = "0.1.0"\nedition = "2021"\n` },
  { path: "src/main.rs", content: `fn main() { println!("from the action"); }` },
];
const input = { lessonKey: "rust/01-basics/01-hello", cellId: "hello", files, mode: "run" };
const previous = process.env.RUST_RUNNER;

/** Calls the action the way the client runtime does: read the stream to its result. */
async function call(payload: unknown, positions: number[] = []) {
  return readRustRunEvents(await runRustAction(payload), (p) => positions.push(p));
}

beforeEach(() => {
  signedIn = `learner-${Math.random().toString(36).slice(2, 10)}`;
});
afterEach(() => {
  if (previous === undefined) delete process.env.RUST_RUNNER;
  else process.env.RUST_RUNNER = previous;
});

describe("runRustAction", () => {
  it("refuses malformed input with a readable, serialisable result", async () => {
    const result = await call({ ...input, files: [{ path: "/etc/passwd", content: "" }] });
    expect(result.status).toBe("compile-error");
    expect(result.message).toContain("files.0.path");
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect((await call("nonsense")).message).toContain("The request was refused");
  });

  it("refuses anonymous learners, and the status says to sign in", async () => {
    process.env.RUST_RUNNER = "on";
    signedIn = null;
    const result = await call(input);
    expect(result).toMatchObject({ status: "unavailable", message: SIGN_IN_TO_RUN });
    const status = await rustRunnerStatusAction();
    expect(status.available).toBe(false);
    // A server without a toolchain says that first: signing in would not help.
    if (rustRunnerStatus().available) expect(status).toEqual({ available: false, reason: SIGN_IN_TO_RUN, signIn: true });
    else expect(status.signIn).toBeUndefined();
  });

  it("rate-limits each learner: 10 quick runs, then a wait", async () => {
    process.env.RUST_RUNNER = "off"; // the gate comes first; nothing is built
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await call(input));
    expect(answers.slice(0, 10).every((a) => a.message?.includes("RUST_RUNNER=off"))).toBe(true);
    expect(answers[10]?.message).toMatch(/^Too many runs in a short time; try again in \d+ s\.$/);
    signedIn = "another-learner";
    expect((await call(input)).message).toContain("RUST_RUNNER=off");
  });

  it.skipIf(!rustRunnerStatus().available)("streams the queue position, then the result", async () => {
    const positions: number[] = [];
    const result = await call({ ...input, ticket: "ticket-action-1" }, positions);
    expect(result).toMatchObject({ status: "ok", stdout: "from the action\n" });
    expect(positions.at(-1)).toBe(0);
  });

  it.skipIf(!rustRunnerStatus().available)("lets the same learner cancel their run, and no one else", async () => {
    const spin = [files[0], { path: "src/main.rs", content: "fn main() { loop { std::hint::black_box(0); } }" }];
    const running = call({ ...input, files: spin, ticket: "ticket-action-2" });
    const owner = signedIn;
    await new Promise((r) => setTimeout(r, 1500));
    signedIn = "someone-else";
    expect(await cancelRustRunAction("ticket-action-2")).toBe(false);
    signedIn = null;
    expect(await cancelRustRunAction("ticket-action-2")).toBe(false);
    signedIn = owner;
    expect(await cancelRustRunAction("ticket-action-2")).toBe(true);
    const result = await running;
    expect(["killed", "unavailable"]).toContain(result.status);
    expect(result.message).toMatch(/cancelled/);
  });

  it.skipIf(!rustRunnerStatus().available)("stops the run when the page goes away (the stream is cancelled)", async () => {
    const { buildQueue } = await import("./runner");
    const spin = [files[0], { path: "src/main.rs", content: "fn main() { loop { std::hint::black_box(0); } }" }];
    const started = Date.now();
    const stream = await runRustAction({ ...input, files: spin });
    await new Promise((r) => setTimeout(r, 1500));
    expect(buildQueue.running).toBe(1);
    await stream.cancel();
    while (buildQueue.running > 0) await new Promise((r) => setTimeout(r, 50));
    // Without the cancel the program would have spun for the full 5 s after its build.
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe("readRustRunEvents", () => {
  const stream = (chunks: string[]) =>
    new ReadableStream<string>({
      start(c) {
        chunks.forEach((x) => c.enqueue(x));
        c.close();
      },
    });

  it("explains a broken or unfinished stream", async () => {
    await expect(readRustRunEvents(stream([JSON.stringify({ type: "queue", position: 1 })]), () => undefined)).rejects.toThrow("without a result");
    await expect(readRustRunEvents(stream(["{oops"]), () => undefined)).rejects.toThrow("unreadable");
    await expect(readRustRunEvents(stream([JSON.stringify({ type: "result", result: { status: "ok" } })]), () => undefined)).rejects.toThrow("unexpected run event");
  });
});
