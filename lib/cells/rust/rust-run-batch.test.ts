import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetRateLimiters } from "@/lib/auth/rate-limit";
import type { SessionUser } from "@/lib/auth/session";
import { findLessonCell } from "@/lib/exercises/lesson-cells";
import type { ProjectFile, RustRunResult } from "@/lib/rust-sandbox/types";
import { rustProjectFiles } from "./project";
import { readBatchEvents, type RustBatchCellResult } from "./run-events";

// Through the real route handler and the real lesson catalogue; the session lookup is replaced
// (the e2e signs in for real).
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

const { POST: batchPost } = await import("@/app/api/rust/run-batch/route");
const { POST: runPost } = await import("@/app/api/rust/run/route");
const { startRustBatch } = await import("./rust-run-batch");

const ORIGIN = "http://localhost:3000";
const OWNERSHIP = "rust/ownership/moves-and-borrows";
const SHAPES = "rust/types/structs-enums-and-match";

/** The files the notebook sends for a cell with the lesson's own code. */
function filesFor(lessonKey: string, cellId: string): ProjectFile[] {
  const found = findLessonCell(lessonKey, cellId, "rust");
  if (!found.ok) throw new Error(found.message);
  const cells = found.cells.map((c) => ({ id: c.id, code: c.code, attributes: c.attributes }));
  return rustProjectFiles(cells, found.index, found.cell.code);
}
const batchOf = (lessonKey: string, ids: string[]) => ({
  lessonKey,
  cells: ids.map((cellId) => ({ cellId, files: filesFor(lessonKey, cellId) })),
});

const post = (route: (r: Request) => Promise<Response>, url: string, body: unknown) =>
  route(
    new Request(`${ORIGIN}${url}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify(body),
    }),
  );

async function readAll(response: Response): Promise<RustBatchCellResult[]> {
  const cells: RustBatchCellResult[] = [];
  await readBatchEvents(
    response.body!,
    () => undefined,
    (c) => cells.push(c),
  );
  return cells;
}

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
const learner = (id: string): SessionUser => ({
  id,
  email: `${id}@example.test`,
  name: id,
  role: "learner",
});
const on = () => ({ available: true });

beforeEach(() => {
  signedIn = `learner-${Math.random().toString(36).slice(2, 10)}`;
  recorded.length = 0;
});

describe("POST /api/rust/run-batch", () => {
  const ownershipCells = ["moves", "borrows", "mut-borrow", "shout"];

  it("counts a project's Run all as one request of the rate limit, where single runs use it up", async () => {
    const previous = process.env.RUST_RUNNER;
    process.env.RUST_RUNNER = "off"; // the gate comes first; nothing is built
    try {
      resetRateLimiters();
      // Ten Run alls of the four-cell project: every cell gets its answer each time.
      for (let i = 0; i < 10; i++) {
        const response = await post(
          batchPost,
          "/api/rust/run-batch",
          batchOf(OWNERSHIP, ownershipCells),
        );
        expect(response.status).toBe(200);
        const cells = await readAll(response);
        expect(cells.map((c) => c.cellId)).toEqual(ownershipCells);
        expect(cells.every((c) => c.result.message?.includes("RUST_RUNNER=off"))).toBe(true);
      }
      const eleventh = await post(batchPost, "/api/rust/run-batch", batchOf(OWNERSHIP, ["moves"]));
      expect(eleventh.status).toBe(429);

      // The same cells one request each: the third Run all is refused.
      signedIn = "one-at-a-time";
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        for (const cellId of ownershipCells)
          statuses.push(
            (
              await post(runPost, "/api/rust/run", {
                lessonKey: OWNERSHIP,
                cellId,
                files: filesFor(OWNERSHIP, cellId),
                mode: "run",
              })
            ).status,
          );
      expect(statuses.filter((s) => s === 429).length).toBe(2);
    } finally {
      if (previous === undefined) delete process.env.RUST_RUNNER;
      else process.env.RUST_RUNNER = previous;
    }
  });

  it("refuses anonymous learners, unknown cells, a cell twice, and cells of two projects", async () => {
    signedIn = null;
    expect(
      (await post(batchPost, "/api/rust/run-batch", batchOf(OWNERSHIP, ["moves"]))).status,
    ).toBe(401);
    signedIn = "refused";
    const unknown = await post(batchPost, "/api/rust/run-batch", {
      lessonKey: OWNERSHIP,
      cells: [{ cellId: "made-up", files: filesFor(OWNERSHIP, "moves") }],
    });
    expect(unknown.status).toBe(404);
    const twice = await post(batchPost, "/api/rust/run-batch", {
      lessonKey: OWNERSHIP,
      cells: [
        { cellId: "moves", files: filesFor(OWNERSHIP, "moves") },
        { cellId: "moves", files: filesFor(OWNERSHIP, "moves") },
      ],
    });
    expect(twice.status).toBe(422);
    const mixed = await post(batchPost, "/api/rust/run-batch", batchOf(SHAPES, ["book", "main"]));
    expect(mixed.status).toBe(422);
    expect(((await mixed.json()) as { error: string }).error).toMatch(/one project/);
  });
});

describe("startRustBatch (the runner replaced by a recording fake)", () => {
  function recordingRunner(result: (files: ProjectFile[], mode?: string) => RustRunResult) {
    const builds: { files: ProjectFile[]; mode: string | undefined }[] = [];
    const run = async (files: unknown, options: { mode?: string } = {}) => {
      builds.push({ files: files as ProjectFile[], mode: options.mode });
      return result(files as ProjectFile[], options.mode);
    };
    return { builds, run };
  }

  it("builds a project of different files once for all its cells, then the exercise's check", async () => {
    const runner = recordingRunner(() => okResult("a circle\n"));
    const cells = await readAll(
      startRustBatch(batchOf(SHAPES, ["main", "shape"]), learner("ada"), undefined, {
        run: runner.run,
        record: async (v) => void recorded.push(v),
        status: on,
      }),
    );
    // One `cargo run` for both cells (same files), one `cargo test` for the check.
    expect(runner.builds.map((b) => b.mode)).toEqual(["run", "test"]);
    expect(cells.map((c) => [c.cellId, c.result.stdout])).toEqual([
      ["main", "a circle\n"],
      ["shape", "a circle\n"],
    ]);
    expect(cells[0]?.check).toBeUndefined();
    expect(cells[1]?.check?.verdict).toMatchObject({ passed: true, verifiedBy: "server" });
    expect(recorded).toEqual([expect.objectContaining({ cellId: "shape", passed: true })]);
    const checked = runner.builds[1]!.files.find((f) => f.path === "src/shape.rs")!.content;
    expect(checked).toContain("mod lesson_check");
  });

  it("builds each distinct version of a file once, and checks nothing whose run failed", async () => {
    const runner = recordingRunner((files) =>
      files.some((f) => f.content.includes("fn shout"))
        ? { ...okResult(), status: "compile-error", exitCode: 101, message: "did not compile" }
        : okResult(),
    );
    const cells = await readAll(
      startRustBatch(
        batchOf(OWNERSHIP, ["moves", "borrows", "mut-borrow", "shout"]),
        learner("ada"),
        undefined,
        { run: runner.run, record: async (v) => void recorded.push(v), status: on },
      ),
    );
    // Four cells, each its own src/main.rs: four builds, and no check after a failed run.
    expect(runner.builds.map((b) => b.mode)).toEqual(["run", "run", "run", "run"]);
    expect(cells.map((c) => c.result.status)).toEqual(["ok", "ok", "ok", "compile-error"]);
    expect(cells[3]?.check).toBeUndefined();
    expect(recorded).toEqual([]);
  });

  it("stops the remaining builds when the request is aborted", async () => {
    const controller = new AbortController();
    let builds = 0;
    const response = startRustBatch(
      batchOf(OWNERSHIP, ["moves", "borrows"]),
      learner("ada"),
      controller.signal,
      {
        run: async (_files, options = {}) => {
          builds += 1;
          await new Promise<void>((resolve) =>
            options.signal?.addEventListener("abort", () => resolve(), { once: true }),
          );
          return { ...okResult(), status: "killed", exitCode: null, message: "cancelled" };
        },
        record: async () => undefined,
        status: on,
      },
    );
    controller.abort();
    const cells = await readAll(response);
    expect(builds).toBe(1);
    expect(cells.map((c) => c.result.status)).toEqual(["killed"]);
  });
});
