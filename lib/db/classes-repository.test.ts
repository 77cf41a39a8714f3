import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyticsScopeFor, classFor } from "@/lib/classes/scope";
import { recentLearners } from "./analytics-repository";
import { insertAttempts, insertLessonProgress } from "./analytics-repository-seed";
import {
  classCompletions,
  classMembers,
  classRepeatedFailures,
  createClass,
  findClassByJoinCode,
  joinClassByCode,
  listClasses,
  revokeJoinCode,
} from "./classes-repository";
import { createTestDatabase, createTestUser, type TestDatabase } from "./testing";

// Classes against a real Postgres: create, join by code, revoke, who may see which class, and the
// learner sets analytics are narrowed to.

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const LESSON = "graph-queries/first-queries/match-and-return";
const newClass = (instructorId: string, name = "Spring cohort") =>
  createClass({
    instructorId,
    name,
    startsOn: "2027-03-01",
    endsOn: "2027-06-30",
    tracks: ["graph-queries"],
  });

describe("classes", () => {
  it("creates a class with an unguessable join code, and a learner joins it once", async () => {
    const teacher = await createTestUser();
    const learner = await createTestUser();
    const cls = await newClass(teacher.id);
    expect(cls).toMatchObject({
      name: "Spring cohort",
      instructorId: teacher.id,
      startsOn: "2027-03-01",
      endsOn: "2027-06-30",
      tracks: ["graph-queries"],
      members: 0,
    });
    expect(cls.joinCode).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await newClass(teacher.id)).joinCode).not.toBe(cls.joinCode);
    expect(await joinClassByCode(cls.joinCode, learner.id)).toMatchObject({
      class: { id: cls.id },
      alreadyMember: false,
    });
    expect((await joinClassByCode(cls.joinCode, learner.id))?.alreadyMember).toBe(true);
    expect((await classMembers(cls.id)).map((m) => m.userId)).toEqual([learner.id]);
  });

  it("lets a learner be in several classes", async () => {
    const teacher = await createTestUser();
    const learner = await createTestUser();
    const a = await newClass(teacher.id, "A");
    const b = await newClass(teacher.id, "B");
    await joinClassByCode(a.joinCode, learner.id);
    await joinClassByCode(b.joinCode, learner.id);
    const mine = await listClasses(teacher.id);
    expect(mine.map((c) => [c.name, c.members])).toEqual([
      ["B", 1],
      ["A", 1],
    ]);
  });

  it("revoking replaces the code: the old one joins nobody, the new one works", async () => {
    const teacher = await createTestUser();
    const learner = await createTestUser();
    const cls = await newClass(teacher.id);
    const fresh = await revokeJoinCode(cls.id);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fresh).not.toBe(cls.joinCode);
    expect(await findClassByJoinCode(cls.joinCode)).toBeNull();
    expect(await joinClassByCode(cls.joinCode, learner.id)).toBeNull();
    expect(await joinClassByCode(fresh ?? "", learner.id)).not.toBeNull();
    expect(await revokeJoinCode("no-such-class")).toBeNull();
  });

  it("refuses another instructor's class (403), lets its instructor and admins in", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const cls = await newClass(owner.id);
    expect(await classFor({ id: other.id, role: "instructor" }, cls.id)).toEqual({
      ok: false,
      status: 403,
    });
    expect((await classFor({ id: owner.id, role: "instructor" }, cls.id)).ok).toBe(true);
    expect((await classFor({ id: other.id, role: "admin" }, cls.id)).ok).toBe(true);
    expect(await classFor({ id: owner.id, role: "instructor" }, "nope")).toEqual({
      ok: false,
      status: 404,
    });
    expect(await analyticsScopeFor({ id: other.id, role: "instructor" }, cls.id)).toEqual({
      refused: 403,
    });
  });
});

describe("class-scoped learner sets", () => {
  it("shows an instructor only their classes' learners; admins everyone", async () => {
    const teacher = await createTestUser();
    const lonely = await createTestUser();
    const inClass = await createTestUser();
    const outside = await createTestUser();
    const cls = await newClass(teacher.id);
    await joinClassByCode(cls.joinCode, inClass.id);
    const now = Date.now();
    await insertLessonProgress(
      [inClass, outside].map((u) => ({
        userId: u.id,
        lessonKey: LESSON,
        startedAt: now - 1000,
        completedAt: now,
        lastVisitAt: now,
      })),
    );
    const ids = async (viewer: { id: string; role: "instructor" | "admin" }, classId?: string) => {
      const scope = await analyticsScopeFor(viewer, classId);
      if ("refused" in scope) throw new Error(`refused ${scope.refused}`);
      return (await recentLearners(200, scope.scope)).map((l) => l.id);
    };
    expect(await ids({ id: teacher.id, role: "instructor" })).toEqual([inClass.id]);
    expect(await ids({ id: teacher.id, role: "instructor" }, cls.id)).toEqual([inClass.id]);
    // No class yet: no learner at all, not everyone.
    expect(await ids({ id: lonely.id, role: "instructor" })).toEqual([]);
    const all = await ids({ id: lonely.id, role: "admin" });
    expect(all).toEqual(expect.arrayContaining([inClass.id, outside.id]));
    expect(await ids({ id: lonely.id, role: "admin" }, cls.id)).toEqual([inClass.id]);
  });

  it("reads completions and repeated failures of the class's members only", async () => {
    const teacher = await createTestUser();
    const member = await createTestUser();
    const outsider = await createTestUser();
    const cls = await newClass(teacher.id);
    await joinClassByCode(cls.joinCode, member.id);
    const now = Date.now();
    await insertLessonProgress(
      [member, outsider].map((u) => ({
        userId: u.id,
        lessonKey: LESSON,
        startedAt: now - 1000,
        completedAt: now,
        lastVisitAt: now,
      })),
    );
    const fail = (userId: string, cellId: string, passed = false) => ({
      userId,
      id: randomUUID(),
      lessonKey: LESSON,
      cellId,
      passed,
      at: now,
      durationMs: 5,
      errorMessage: passed ? null : "wrong",
    });
    await insertAttempts([
      fail(member.id, "ex"),
      fail(member.id, "ex"),
      fail(member.id, "ex"),
      fail(member.id, "other"),
      fail(outsider.id, "ex"),
      fail(outsider.id, "ex"),
      fail(outsider.id, "ex"),
    ]);
    expect(await classCompletions(cls.id, [LESSON])).toEqual([
      { userId: member.id, lessonKey: LESSON },
    ]);
    expect(await classRepeatedFailures(cls.id, [LESSON], 3)).toEqual([
      { userId: member.id, lessonKey: LESSON, cellId: "ex", failures: 3, passed: false },
    ]);
    const [activity] = await classMembers(cls.id);
    expect(activity?.lastActiveAt).toBeGreaterThanOrEqual(now - 1000);
  });
});
