import { describe, expect, it } from "vitest";
import { classProgress, STUCK_IDLE_MS, type ClassTrack } from "./class-progress";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 4);
const tracks: ClassTrack[] = [
  { slug: "a", title: "A", lessonKeys: ["a/1/x", "a/1/y"] },
  { slug: "b", title: "B", lessonKeys: ["b/1/z"] },
];
const member = (userId: string, lastActiveAt: number | null, joinedAt = NOW - 30 * DAY) => ({
  userId,
  name: userId,
  email: `${userId}@example.test`,
  joinedAt,
  lastActiveAt,
});

describe("classProgress", () => {
  it("counts completed lessons per track, ignoring lessons outside the class", () => {
    const [row] = classProgress(
      tracks,
      [member("u1", NOW - DAY)],
      [
        { userId: "u1", lessonKey: "a/1/x" },
        { userId: "u1", lessonKey: "other/1/q" },
        { userId: "u2", lessonKey: "a/1/y" },
      ],
      [],
      NOW,
    );
    expect(row?.tracks).toEqual([
      { slug: "a", completed: 1, total: 2 },
      { slug: "b", completed: 0, total: 1 },
    ]);
    expect([row?.completed, row?.total]).toEqual([1, 3]);
    expect(row?.stuck).toEqual([]);
  });

  it("flags three failures of one check not yet passed, and not once it passed", () => {
    const rows = classProgress(
      tracks,
      [member("u1", NOW - DAY), member("u2", NOW - DAY)],
      [],
      [
        { userId: "u1", lessonKey: "a/1/x", cellId: "ex", failures: 3, passed: false },
        { userId: "u2", lessonKey: "a/1/x", cellId: "ex", failures: 5, passed: true },
        { userId: "u2", lessonKey: "a/1/y", cellId: "ex", failures: 2, passed: false },
      ],
      NOW,
    );
    expect(rows[0]?.stuck).toEqual([
      { kind: "failing", lessonKey: "a/1/x", cellId: "ex", failures: 3 },
    ]);
    expect(rows[1]?.stuck).toEqual([]);
  });

  it("flags seven days without activity, counting from joining when never active", () => {
    const rows = classProgress(
      tracks,
      [
        member("idle", NOW - STUCK_IDLE_MS),
        member("recent", NOW - STUCK_IDLE_MS + 1),
        member("never", null, NOW - 8 * DAY),
        member("new", null, NOW - DAY),
      ],
      [],
      [],
      NOW,
    );
    expect(rows.map((r) => r.stuck)).toEqual([
      [{ kind: "idle", days: 7 }],
      [],
      [{ kind: "idle", days: 8 }],
      [],
    ]);
  });

  it("does not call a learner who finished every lesson idle", () => {
    const [row] = classProgress(
      tracks,
      [member("done", NOW - 20 * DAY)],
      ["a/1/x", "a/1/y", "b/1/z"].map((lessonKey) => ({ userId: "done", lessonKey })),
      [],
      NOW,
    );
    expect(row?.stuck).toEqual([]);
  });
});
