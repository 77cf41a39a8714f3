import { describe, expect, it } from "vitest";
import { catalogMarks, chapterCompletion } from "./catalog-marks";
import type { LocalLesson } from "./storage";

const T0 = 1_800_000_000_000;
const lesson = (
  owner: string,
  lessonKey: string,
  completedAt: number | null,
  lastCellId: string | null,
  lastVisitAt = T0,
): LocalLesson => ({
  owner,
  lessonKey,
  startedAt: T0,
  completedAt,
  lastCellId,
  lastVisitAt,
});

describe("catalogMarks", () => {
  it("marks an anonymous learner's lessons from this browser only", () => {
    const marks = catalogMarks({
      owner: "anonymous",
      local: [
        lesson("anonymous", "t/c/a", T0 + 5, "x"),
        lesson("anonymous", "t/c/b", null, "y"),
        lesson("someone", "t/c/c", T0, "z"),
      ],
      server: null,
      pendingLessons: new Set(),
    });
    expect(marks).toEqual({
      "t/c/a": { state: "completed", lastCellId: "x" },
      "t/c/b": { state: "started", lastCellId: "y" },
    });
  });

  it("takes the server's copy (every device) unless this browser has changes it has not acknowledged", () => {
    const marks = catalogMarks({
      owner: "u1",
      local: [lesson("u1", "t/c/a", null, "old"), lesson("u1", "t/c/b", null, "reset-here")],
      server: [
        {
          lessonKey: "t/c/a",
          startedAt: T0,
          completedAt: T0 + 9,
          lastCellId: "phone",
          lastVisitAt: T0 + 9,
        },
        {
          lessonKey: "t/c/b",
          startedAt: T0,
          completedAt: T0 + 1,
          lastCellId: "q",
          lastVisitAt: T0 + 1,
        },
        { lessonKey: "t/c/d", startedAt: T0, completedAt: null, lastCellId: "w", lastVisitAt: T0 },
      ],
      pendingLessons: new Set(["t/c/b"]),
    });
    expect(marks).toEqual({
      "t/c/a": { state: "completed", lastCellId: "phone" },
      "t/c/b": { state: "started", lastCellId: "reset-here" },
      "t/c/d": { state: "started", lastCellId: "w" },
    });
  });

  it("counts work done before signing in, which joins the account on the lesson's next visit", () => {
    const marks = catalogMarks({
      owner: "u1",
      local: [lesson("anonymous", "t/c/a", T0, "x")],
      server: [],
      pendingLessons: new Set(),
    });
    expect(marks["t/c/a"]?.state).toBe("completed");
  });
});

describe("chapterCompletion", () => {
  it("counts completed and started lessons of a chapter", () => {
    const marks = {
      a: { state: "completed" as const, lastCellId: null },
      b: { state: "started" as const, lastCellId: "x" },
    };
    expect(chapterCompletion(["a", "b", "c"], marks)).toEqual({
      completed: 1,
      started: 1,
      total: 3,
    });
    expect(chapterCompletion([], marks)).toEqual({ completed: 0, started: 0, total: 0 });
  });
});
