import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resetRateLimiters } from "@/lib/auth/rate-limit";
import type { SessionUser } from "@/lib/auth/session";
import { readRunEvents } from "./run-events";
import type { ProjectFile, RustRunResult } from "@/lib/rust-sandbox/types";

// Through the real route handlers and the real lesson catalogue. The session lookup is
// replaced (no browser to sign in with here; the e2e signs in for real): `signedIn` is the
// learner the request's cookie belongs to, or null.
let signedIn: string | null = "learner-1";
vi.mock("@/lib/auth/session", () => ({
  getSessionFromHeaders: async () =>
    signedIn
      ? { id: signedIn, email: `${signedIn}@example.test`, name: signedIn, role: "learner" }
      : null,
}));
const recorded: unknown[] = [];
vi.mock("@/lib/progress/verdicts", () => ({
  recordServerVerdict: async (verdict: unknown) => {
    recorded.push(verdict);
  },
}));

const { POST: runPost } = await import("@/app/api/rust/run/route");
const { POST: cancelPost } = await import("@/app/api/rust/cancel/route");
const { GET: statusGet } = await import("@/app/api/rust/status/route");
const { SIGN_IN_TO_RUN, startRustRun } = await import("./rust-run");
const { rustRunnerStatus } = await import("@/lib/rust-sandbox/status");

const ORIGIN = "http://localhost:3000";
const LESSON = "rust/ownership/moves-and-borrows";
const files = [
  {
    path: "Cargo.toml",
    content: `[package]\nname = "ownership"\nversion = "0.1.0"\nedition = "2021"\n`,
  },
  { path: "src/main.rs", content: `fn main() { println!("from the route"); }` },
];
const input = { lessonKey: LESSON, cellId: "moves", files, mode: "run" };
const learner = (id: string): SessionUser => ({
  id,
  email: `${id}@example.test`,
  name: id,
  role: "learner",
});
const okResult = (stdout = ""): RustRunResult => ({
  status: "ok",
  exitCode: 0,
  stdout,
  stderr: "",
  diagnostics: [],
  compileMs: 1,
  runMs: 1,
  truncated: false,
});

const post = (route: (r: Request) => Promise<Response>, url: string, body: unknown) =>
  route(
    new Request(`${ORIGIN}${url}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify(body),
    }),
  );

type Refusal = { error: string; fieldErrors?: Record<string, string[]> };
const refusal = (answer: object): Refusal =>
  "error" in answer ? (answer.error as Refusal) : { error: "(not refused)" };

/** Calls the run route the way the browser runtime does: read the NDJSON stream to its result. */
async function run(body: unknown, positions: number[] = []) {
  const response = await post(runPost, "/api/rust/run", body);
  if (!response.ok)
    return {
      status: response.status,
      error: (await response.json()) as Refusal,
      retryAfter: response.headers.get("retry-after"),
    };
  expect(response.headers.get("content-type")).toMatch(/ndjson/);
  return { status: 200, ...(await readRunEvents(response.body!, (p) => positions.push(p))) };
}

const previous = process.env.RUST_RUNNER;
beforeEach(() => {
  signedIn = `learner-${Math.random().toString(36).slice(2, 10)}`;
  recorded.length = 0;
});
afterEach(() => {
  if (previous === undefined) delete process.env.RUST_RUNNER;
  else process.env.RUST_RUNNER = previous;
});

describe("POST /api/rust/run", () => {
  it("refuses malformed input with 422 naming the field, and a check sent by the browser", async () => {
    const bad = await run({ ...input, files: [{ path: "/etc/passwd", content: "" }] });
    expect(bad.status).toBe(422);
    expect(Object.keys(refusal(bad).fieldErrors ?? {})).toContain("files.0.path");
    expect((await run("nonsense")).status).toBe(422);
    const withCheck = await run({
      ...input,
      cellId: "shout",
      mode: "check",
      check: "#[test] fn t() {}",
    });
    expect(withCheck.status).toBe(422);
  });

  it("refuses unknown lessons and cells, checks of plain cells, and files the project does not have", async () => {
    expect((await run({ ...input, lessonKey: "sec/x/y" })).status).toBe(404);
    const noCell = await run({ ...input, cellId: "made-up", mode: "check" });
    expect(noCell.status).toBe(404);
    const plain = await run({ ...input, cellId: "moves", mode: "check" });
    expect(plain.status).toBe(422);
    expect(refusal(plain).error).toMatch(/not an exercise/);
    const stranger = await run({
      ...input,
      files: [...files, { path: "src/extra.rs", content: "" }],
    });
    expect(stranger.status).toBe(422);
    expect(refusal(stranger).error).toMatch(
      /"src\/extra.rs" is not a file of this lesson's project/,
    );
  });

  it("refuses anonymous learners with 401, and the status says to sign in", async () => {
    process.env.RUST_RUNNER = "on";
    signedIn = null;
    const refused = await run(input);
    expect(refused).toMatchObject({ status: 401, error: { error: SIGN_IN_TO_RUN } });
    const status = await (await statusGet(new Request(`${ORIGIN}/api/rust/status`))).json();
    expect(status.available).toBe(false);
    // A server without a toolchain says that first: signing in would not help.
    if (rustRunnerStatus().available)
      expect(status).toEqual({ available: false, reason: SIGN_IN_TO_RUN, signIn: true });
    else expect(status.signIn).toBeUndefined();
  });

  it("rate-limits each learner: 10 quick runs, then 429 with Retry-After", async () => {
    process.env.RUST_RUNNER = "off"; // the gate comes first; nothing is built
    resetRateLimiters();
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await run(input));
    expect(
      answers
        .slice(0, 10)
        .every((a) => "result" in a && a.result.message?.includes("RUST_RUNNER=off")),
    ).toBe(true);
    expect(answers[10]).toMatchObject({
      status: 429,
      error: {
        error: expect.stringMatching(/^Too many runs in a short time; try again in \d+ s\.$/),
      },
    });
    expect(Number("retryAfter" in answers[10]! ? answers[10].retryAfter : 0)).toBeGreaterThan(0);
    signedIn = "another-learner";
    const other = await run(input);
    expect("result" in other && other.result.message).toContain("RUST_RUNNER=off");
  });

  it.skipIf(!rustRunnerStatus().available)(
    "streams the queue position, then the result",
    async () => {
      const positions: number[] = [];
      const answer = await run({ ...input, ticket: "ticket-route-1" }, positions);
      expect("result" in answer && answer.result).toMatchObject({
        status: "ok",
        stdout: "from the route\n",
      });
      expect(positions.at(-1)).toBe(0);
    },
  );

  it.skipIf(!rustRunnerStatus().available)(
    "judges `shout` with the lesson's own #[test]s: a main that only prints fails, the solution passes",
    async () => {
      const cheat = await run({
        ...input,
        cellId: "shout",
        mode: "check",
        files: [
          files[0],
          {
            path: "src/main.rs",
            content: `fn shout(_: &str) -> String { String::new() }\nfn main() { println!("HELLO, FERRIS!\\nferris"); }`,
          },
        ],
      });
      expect("verdict" in cheat && cheat.verdict).toMatchObject({
        passed: false,
        verifiedBy: "server",
        recorded: true,
      });
      const solution = `fn shout(name: &str) -> String { format!("HELLO, {}!", name.to_uppercase()) }\nfn main() { let name = String::from("ferris"); println!("{}", shout(&name)); println!("{name}"); }`;
      const solved = await run({
        ...input,
        cellId: "shout",
        mode: "check",
        files: [files[0], { path: "src/main.rs", content: solution }],
      });
      expect("verdict" in solved && solved.verdict).toMatchObject({
        passed: true,
        verifiedBy: "server",
      });
    },
  );
});

describe("startRustRun (the runner replaced by a recording fake)", () => {
  const on = () => ({ available: true });
  const user = learner("ada");
  const body = (over: object = {}) => ({
    lessonKey: LESSON,
    cellId: "shout",
    files: [files[0]!, { path: "src/main.rs", content: "fn main() {}" }],
    mode: "check" as const,
    ...over,
  });
  const read = (response: Response) => readRunEvents(response.body!, () => undefined);

  it("checks with the lesson's check module and manifest, never the learner's, and records the verdict", async () => {
    const seen: { files: ProjectFile[]; mode: string | undefined }[] = [];
    const fake = async (projectFiles: unknown, options: { mode?: string } = {}) => {
      seen.push({ files: projectFiles as ProjectFile[], mode: options.mode });
      return okResult();
    };
    const crafted = [
      {
        path: "Cargo.toml",
        content: `[package]\nname = "x"\nversion = "0.1.0"\n[[bin]]\nname = "x"\npath = "src/main.rs"\ntest = false\nharness = false\n`,
      },
      { path: "src/main.rs", content: "fn main() {}" },
    ];
    const answer = await read(
      startRustRun(body({ files: crafted }), user, undefined, {
        run: fake,
        record: async (v) => void recorded.push(v),
        status: on,
      }),
    );
    expect(seen.map((s) => s.mode)).toEqual(["run", "test"]);
    const manifest = seen[1]!.files.find((f) => f.path === "Cargo.toml")!.content;
    expect(manifest).not.toContain("harness");
    expect(manifest).toContain('name = "ownership"');
    const main = seen[1]!.files.find((f) => f.path === "src/main.rs")!.content;
    expect(main.startsWith("fn main() {}")).toBe(true);
    expect(main).toContain("mod lesson_check");
    expect(main).toContain("fn shout_borrows_and_uppercases()");
    expect(answer.verdict).toEqual({
      passed: true,
      message: "All checks passed.",
      verifiedBy: "server",
      recorded: true,
    });
    expect(recorded).toEqual([
      {
        userId: "ada",
        lessonKey: LESSON,
        cellId: "shout",
        passed: true,
        durationMs: expect.any(Number),
        errorMessage: undefined,
      },
    ]);
  });

  it("checks the learner's file among the lesson's other files, so another file cannot redefine assert!", async () => {
    const seen: ProjectFile[][] = [];
    const fake = async (projectFiles: unknown) => {
      seen.push(projectFiles as ProjectFile[]);
      return okResult();
    };
    const macro = "macro_rules! assert_eq { ($($t:tt)*) => {} }\nmod shape;\nfn main() {}";
    const learnerFiles = [
      files[0]!,
      { path: "src/main.rs", content: macro },
      { path: "src/shape.rs", content: "pub fn area() {}" },
    ];
    const deps = { run: fake, record: async () => undefined, status: on };
    await read(
      startRustRun(
        {
          lessonKey: "rust/types/structs-enums-and-match",
          cellId: "shape",
          files: learnerFiles,
          mode: "check",
        },
        user,
        undefined,
        deps,
      ),
    );
    const checked = seen.at(-1)!;
    expect(checked.find((f) => f.path === "src/main.rs")!.content).not.toContain("macro_rules");
    expect(
      checked.find((f) => f.path === "src/shape.rs")!.content.startsWith("pub fn area() {}"),
    ).toBe(true);
    // A plain run is the learner's own business: their files go as sent.
    seen.length = 0;
    await read(
      startRustRun(
        {
          lessonKey: "rust/types/structs-enums-and-match",
          cellId: "shape",
          files: learnerFiles,
          mode: "run",
        },
        user,
        undefined,
        deps,
      ),
    );
    expect(seen[0]!.find((f) => f.path === "src/main.rs")!.content).toContain("macro_rules");
  });

  it("fails an exercise that does not build and run, without running the check", async () => {
    const modes: (string | undefined)[] = [];
    const fake = async (_files: unknown, options: { mode?: string } = {}) => {
      modes.push(options.mode);
      return {
        ...okResult(),
        status: "compile-error" as const,
        exitCode: 101,
        message: "The project did not compile.",
      };
    };
    const answer = await read(
      startRustRun(body(), user, undefined, {
        run: fake,
        record: async (v) => void recorded.push(v),
        status: on,
      }),
    );
    expect(modes).toEqual(["run"]);
    expect(answer.verdict).toMatchObject({
      passed: false,
      message: expect.stringMatching(/must build and run.*did not compile/),
    });
    expect(recorded).toEqual([
      expect.objectContaining({
        passed: false,
        errorMessage: expect.stringMatching(/did not compile/),
      }),
    ]);
  });

  it("lets only the learner who started a run cancel it, and stops it when the stream is dropped", async () => {
    const untilAborted = async (_files: unknown, options: { signal?: AbortSignal } = {}) => {
      await new Promise<void>((resolve) =>
        options.signal?.addEventListener("abort", () => resolve(), { once: true }),
      );
      return {
        ...okResult(),
        status: "killed" as const,
        exitCode: null,
        message: "The run was cancelled.",
      };
    };
    signedIn = "owner";
    const response = startRustRun(
      body({ mode: "run", cellId: "moves", ticket: "ticket-fake-1" }),
      learner("owner"),
      undefined,
      { run: untilAborted, record: async () => undefined, status: on },
    );
    signedIn = "someone-else";
    expect(
      await (await post(cancelPost, "/api/rust/cancel", { ticket: "ticket-fake-1" })).json(),
    ).toEqual({ cancelled: false });
    signedIn = null;
    expect((await post(cancelPost, "/api/rust/cancel", { ticket: "ticket-fake-1" })).status).toBe(
      401,
    );
    signedIn = "owner";
    expect((await post(cancelPost, "/api/rust/cancel", { ticket: "bad" })).status).toBe(422);
    expect(
      await (await post(cancelPost, "/api/rust/cancel", { ticket: "ticket-fake-1" })).json(),
    ).toEqual({ cancelled: true });
    expect((await read(response)).result).toMatchObject({
      status: "killed",
      message: expect.stringMatching(/cancelled/),
    });

    let stopped = false;
    const dropped = startRustRun(
      body({ mode: "run", cellId: "moves" }),
      learner("owner"),
      undefined,
      {
        run: async (...args) => {
          const result = await untilAborted(...args);
          stopped = true;
          return result;
        },
        record: async () => undefined,
        status: on,
      },
    );
    await dropped.body!.cancel();
    await vi.waitFor(() => expect(stopped).toBe(true));
  });

  it("stops the run when the request is aborted (the learner's page went away)", async () => {
    const controller = new AbortController();
    let aborted = false;
    const response = startRustRun(body({ mode: "run", cellId: "moves" }), user, controller.signal, {
      run: async (_files, options = {}) => {
        await new Promise<void>((resolve) =>
          options.signal?.addEventListener("abort", () => resolve(), { once: true }),
        );
        aborted = true;
        return okResult();
      },
      record: async () => undefined,
      status: on,
    });
    controller.abort();
    await read(response);
    expect(aborted).toBe(true);
  });
});
