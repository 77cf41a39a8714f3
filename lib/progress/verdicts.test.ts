import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/db/client";
import { createTestDatabase, createTestUser, type TestDatabase } from "@/lib/db/testing";
import { catalogLessonIndex, lessonIndexFrom } from "./lesson-index";
import { getLessonProgressForUser } from "./queries";
import { recordServerVerdict, storableText } from "./verdicts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const GRAPH = "graph/01-first/01-match";
const lessons = lessonIndexFrom({
  [GRAPH]: [
    { id: "look", kind: "cypher", role: "cell" },
    { id: "find", kind: "cypher", role: "exercise" },
    { id: "fit", kind: "tfjs", role: "exercise" },
  ],
});

type Row = {
  cellId: string;
  passed: boolean;
  at: Date;
  durationMs: number;
  errorMessage: string | null;
  verification: string;
};
const rowsOf = (userId: string) =>
  getPrisma().$queryRawUnsafe<Row[]>(
    `SELECT "cellId", "passed", "at", "durationMs", "errorMessage", "verification"::text AS verification FROM "exercise_attempt" WHERE "userId" = $1 ORDER BY "at"`,
    userId,
  );

describe("recordServerVerdict", () => {
  it("stores the server's verdict as verification=server, timed by the server", async () => {
    const user = await createTestUser();
    const now = Date.UTC(2026, 11, 4, 12);
    await recordServerVerdict(
      {
        userId: user.id,
        lessonKey: GRAPH,
        cellId: "find",
        passed: false,
        durationMs: 12.6,
        errorMessage: "expected 3 rows",
      },
      { lessons, now },
    );
    await recordServerVerdict(
      {
        userId: user.id,
        lessonKey: GRAPH,
        cellId: "find",
        passed: true,
        durationMs: 9,
        errorMessage: "ignored for a pass",
      },
      { lessons, now: now + 1 },
    );
    expect(await rowsOf(user.id)).toEqual([
      {
        cellId: "find",
        passed: false,
        at: new Date(now),
        durationMs: 13,
        errorMessage: "expected 3 rows",
        verification: "server",
      },
      {
        cellId: "find",
        passed: true,
        at: new Date(now + 1),
        durationMs: 9,
        errorMessage: null,
        verification: "server",
      },
    ]);
    expect((await getLessonProgressForUser(user.id, GRAPH)).exercises).toEqual([
      { cellId: "find", attempts: 2, passed: true, lastAttemptAt: now + 1 },
    ]);
  });

  it("refuses what is not a Cypher or Rust exercise of the catalogue", async () => {
    const user = await createTestUser();
    const record = (lessonKey: string, cellId: string) =>
      recordServerVerdict(
        { userId: user.id, lessonKey, cellId, passed: true, durationMs: 1 },
        { lessons },
      );
    await expect(record(GRAPH, "fit")).rejects.toThrow(/not a Cypher or Rust exercise/);
    await expect(record(GRAPH, "look")).rejects.toThrow(/not a Cypher or Rust exercise/);
    await expect(record("sec/x/y", "find")).rejects.toThrow(/not a Cypher or Rust exercise/);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it("stores any compiler message Postgres would refuse as it is: NUL, lone surrogates, 4,000 units cut between a pair", async () => {
    const user = await createTestUser();
    const long = "x".repeat(3_999) + "😀" + "tail";
    await recordServerVerdict(
      {
        userId: user.id,
        lessonKey: GRAPH,
        cellId: "find",
        passed: false,
        durationMs: 1,
        errorMessage: long,
      },
      { lessons },
    );
    await recordServerVerdict(
      {
        userId: user.id,
        lessonKey: GRAPH,
        cellId: "find",
        passed: false,
        durationMs: 1,
        errorMessage: "a\u0000b\ud800c",
      },
      { lessons, now: Date.now() + 1 },
    );
    expect((await rowsOf(user.id)).map((r) => r.errorMessage)).toEqual([
      "x".repeat(3_999),
      "ab\ufffdc",
    ]);
  });

  it("uses the real catalogue by default", async () => {
    const user = await createTestUser();
    await recordServerVerdict({
      userId: user.id,
      lessonKey: "graph-queries/paths/paths-and-shortest-paths",
      cellId: "cruise-keanu",
      passed: true,
      durationMs: 3,
    });
    expect((await rowsOf(user.id)).map((r) => r.verification)).toEqual(["server"]);
  });
});

describe("storableText", () => {
  it("never leaves half a surrogate pair", () => {
    expect(storableText("ab😀", 3)).toBe("ab");
    expect(storableText("ab😀", 4)).toBe("ab😀");
    expect(storableText("\udc00z", 5)).toBe("\ufffdz");
  });
});

describe("catalogLessonIndex", () => {
  it("knows the real lessons, their cells' kinds and roles", () => {
    const index = catalogLessonIndex();
    expect(
      index.get("graph-queries/paths/paths-and-shortest-paths")?.cells.get("cruise-keanu"),
    ).toEqual({ kind: "cypher", role: "exercise" });
    expect(index.get("sequence-models/forecasting/sine-wave-lstm")?.cells.get("mae")).toEqual({
      kind: "tfjs",
      role: "exercise",
    });
    expect(index.get("sequence-models/forecasting/sine-wave-lstm")?.cells.get("train")).toEqual({
      kind: "tfjs",
      role: "cell",
    });
    // Solutions and checks are parts of their exercise, not cells of their own.
    expect(index.get("sequence-models/forecasting/sine-wave-lstm")?.cells.size).toBe(9);
    expect(catalogLessonIndex()).toBe(index);
  });
});
