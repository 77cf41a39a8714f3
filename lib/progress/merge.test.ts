import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { randomUUID } from "node:crypto";
import {
  decideCellCode,
  mergeCodeMutation,
  mergeLessonMutation,
  mergeRunMutation,
  clampClientTime,
  type ServerCell,
} from "./merge";
import type { CodeMutation, LessonMutation, RunMutation } from "./schemas";

const T0 = 1_800_000_000_000;
function code(at: number, clientVersion: number, text: string | null): CodeMutation {
  return {
    id: randomUUID(),
    kind: "code",
    lessonKey: "t/c/l",
    cellId: "a",
    clientVersion,
    at,
    payload: { code: text, lessonCodeHash: "h1" },
  };
}
function run(at: number, status: RunMutation["payload"]["status"]): RunMutation {
  return {
    id: randomUUID(),
    kind: "run",
    lessonKey: "t/c/l",
    cellId: "a",
    clientVersion: 0,
    at,
    payload: { status, durationMs: 5 },
  };
}
function lesson(
  at: number,
  event: LessonMutation["payload"]["event"],
  cellId = "a",
): LessonMutation {
  return {
    id: randomUUID(),
    kind: "lesson",
    lessonKey: "t/c/l",
    cellId,
    clientVersion: 0,
    at,
    payload: { event },
  };
}

describe("mergeCodeMutation", () => {
  it("creates a cell at version 1", () => {
    const { cell, outcome } = mergeCodeMutation(null, code(T0, 0, "x = 1"));
    expect(outcome).toBe("applied");
    expect(cell).toMatchObject({
      code: "x = 1",
      version: 1,
      codeUpdatedAt: T0,
      lessonCodeHash: "h1",
    });
  });

  it("fast-forwards a write based on the current version even when its clock is behind", () => {
    const first = mergeCodeMutation(null, code(T0 + 1000, 0, "a")).cell;
    const { cell, outcome } = mergeCodeMutation(first, code(T0, 1, "b"));
    expect(outcome).toBe("applied");
    expect(cell.code).toBe("b");
    expect(cell.version).toBe(2);
    expect(cell.codeUpdatedAt).toBe(T0 + 1000);
  });

  it("lets the later edit win between devices and reports the earlier one stale", () => {
    const laptop = mergeCodeMutation(null, code(T0 + 500, 0, "laptop")).cell;
    const phoneOlder = mergeCodeMutation(laptop, code(T0 + 100, 0, "phone"));
    expect(phoneOlder.outcome).toBe("stale");
    expect(phoneOlder.cell).toBe(laptop);
    const phoneNewer = mergeCodeMutation(laptop, code(T0 + 900, 0, "phone"));
    expect(phoneNewer.outcome).toBe("applied");
    expect(phoneNewer.cell.code).toBe("phone");
  });

  it("resets to the lesson code with null", () => {
    const edited = mergeCodeMutation(null, code(T0, 0, "mine")).cell;
    expect(mergeCodeMutation(edited, code(T0 + 1, 1, null)).cell.code).toBeNull();
  });

  it("converges on the latest concurrent edit in any order (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer(),
        (offsets, seed) => {
          const mutations = offsets.map((offset) => code(T0 + offset, 0, `v${offset}`));
          const shuffled = [...mutations].sort(
            (a, b) => ((a.at * 31 + seed) % 97) - ((b.at * 31 + seed) % 97),
          );
          let cell: ServerCell | null = null;
          for (const mutation of shuffled) cell = mergeCodeMutation(cell, mutation).cell;
          expect(cell?.code).toBe(`v${Math.max(...offsets)}`);
        },
      ),
    );
  });

  it("keeps every edit of one device in order (version increases by one per write)", () => {
    let cell: ServerCell | null = null;
    for (let i = 0; i < 20; i++) {
      const result: ReturnType<typeof mergeCodeMutation> = mergeCodeMutation(
        cell,
        code(T0 + i, cell?.version ?? 0, `edit ${i}`),
      );
      expect(result.outcome).toBe("applied");
      cell = result.cell;
    }
    expect(cell).toMatchObject({ code: "edit 19", version: 20 });
  });
});

describe("mergeRunMutation", () => {
  it("keeps the latest run and ignores an older one", () => {
    const latest = mergeRunMutation(null, run(T0 + 10, "error")).cell;
    expect(latest.lastRunStatus).toBe("error");
    const older = mergeRunMutation(latest, run(T0, "ok"));
    expect(older.outcome).toBe("stale");
    expect(older.cell.lastRunStatus).toBe("error");
    expect(mergeRunMutation(latest, run(T0 + 20, "ok")).cell.lastRunStatus).toBe("ok");
  });

  it("does not touch the code", () => {
    const edited = mergeCodeMutation(null, code(T0, 0, "mine")).cell;
    expect(mergeRunMutation(edited, run(T0 + 1, "ok")).cell).toMatchObject({
      code: "mine",
      version: 1,
    });
  });
});

describe("mergeLessonMutation", () => {
  it("records start, the latest visited cell and the first completion", () => {
    let state = mergeLessonMutation(null, lesson(T0 + 100, "visit", "b")).lesson;
    expect(state).toMatchObject({ startedAt: T0 + 100, lastCellId: "b", completedAt: null });
    state = mergeLessonMutation(state, lesson(T0 + 50, "visit", "a")).lesson;
    expect(state).toMatchObject({ startedAt: T0 + 50, lastCellId: "b" });
    state = mergeLessonMutation(state, lesson(T0 + 300, "complete")).lesson;
    state = mergeLessonMutation(state, lesson(T0 + 200, "complete")).lesson;
    expect(state.completedAt).toBe(T0 + 200);
  });

  it("reset clears completion and asks to drop cells up to its time", () => {
    const done = mergeLessonMutation(null, lesson(T0, "complete")).lesson;
    const result = mergeLessonMutation(done, lesson(T0 + 5, "reset"));
    expect(result.lesson.completedAt).toBeNull();
    expect(result.resetCellsUpTo).toBe(T0 + 5);
  });
});

describe("decideCellCode", () => {
  const lessonCode = "new lesson code";
  it("shows the lesson when the learner never edited or typed the same", () => {
    expect(
      decideCellCode({ learnerCode: null, learnerBaseHash: null, lessonCode, lessonHash: "h2" }),
    ).toEqual({ kind: "lesson" });
    expect(
      decideCellCode({
        learnerCode: lessonCode,
        learnerBaseHash: "h1",
        lessonCode,
        lessonHash: "h2",
      }),
    ).toEqual({ kind: "lesson" });
  });
  it("keeps the learner's code when the lesson did not change", () => {
    expect(
      decideCellCode({ learnerCode: "mine", learnerBaseHash: "h2", lessonCode, lessonHash: "h2" }),
    ).toEqual({ kind: "learner" });
  });
  it("asks when the lesson changed under an edit", () => {
    expect(
      decideCellCode({ learnerCode: "mine", learnerBaseHash: "h1", lessonCode, lessonHash: "h2" }),
    ).toEqual({
      kind: "conflict",
      learnerCode: "mine",
      lessonCode,
    });
  });
});

describe("clampClientTime", () => {
  it("limits clocks running ahead", () => {
    expect(clampClientTime(T0 + 10 * 60_000, T0)).toBe(T0 + 60_000);
    expect(clampClientTime(T0 - 5, T0)).toBe(T0 - 5);
  });
});

describe("syncBatchSchema", () => {
  it("refuses NUL characters in code (Postgres text cannot store them)", async () => {
    const { syncBatchSchema } = await import("./schemas");
    const ok = syncBatchSchema.safeParse({ mutations: [code(T0, 0, "fine")] });
    expect(ok.success).toBe(true);
    const bad = syncBatchSchema.safeParse({ mutations: [code(T0, 0, "a\u0000b")] });
    expect(bad.success).toBe(false);
  });
});
