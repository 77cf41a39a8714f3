import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, createTestUser, type TestDatabase } from "./testing";
import { getPrisma } from "./client";
import { changeUserRole, recentRoleChanges, searchUsers } from "./roles-repository";

// Role changes against a real Postgres: the role, the audit row in the same transaction, and
// the last admin who cannot be demoted (also when two admins demote each other at once).

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const cli = { label: "cli:tester", userId: null };
const roleOf = async (id: string) =>
  (await getPrisma().user.findUniqueOrThrow({ where: { id }, select: { role: true } })).role;

describe("changeUserRole", () => {
  it("changes the role by e-mail and records who, whom, from, to and when", async () => {
    const user = await createTestUser();
    const before = Date.now();
    const outcome = await changeUserRole({ email: user.email }, "instructor", cli);
    expect(outcome).toEqual({
      status: "changed",
      userId: user.id,
      email: user.email,
      from: "learner",
      to: "instructor",
    });
    expect(await roleOf(user.id)).toBe("instructor");
    const [latest] = await recentRoleChanges(1);
    expect(latest).toMatchObject({
      actor: "cli:tester",
      targetEmail: user.email,
      from: "learner",
      to: "instructor",
    });
    expect(latest?.at).toBeGreaterThanOrEqual(before - 1000);
  });

  it("records an admin as the actor, and nothing when the role is already set", async () => {
    const admin = await createTestUser();
    const user = await createTestUser();
    await changeUserRole({ userId: admin.id }, "admin", cli);
    const actor = { label: admin.email, userId: admin.id };
    await changeUserRole({ userId: user.id }, "admin", actor);
    const rows = await getPrisma().roleChange.findMany({ where: { targetUserId: user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: admin.email, actorUserId: admin.id, toRole: "admin" });
    expect((await changeUserRole({ userId: user.id }, "admin", actor)).status).toBe("unchanged");
    expect(await getPrisma().roleChange.count({ where: { targetUserId: user.id } })).toBe(1);
  });

  it("answers no-such-user for an unknown e-mail or id", async () => {
    expect(await changeUserRole({ email: "nobody@example.test" }, "admin", cli)).toEqual({
      status: "no-such-user",
      email: "nobody@example.test",
    });
    expect((await changeUserRole({ userId: "missing" }, "admin", cli)).status).toBe("no-such-user");
  });

  it("refuses to demote the last admin, and allows it once there is another", async () => {
    await getPrisma().user.updateMany({ where: { role: "admin" }, data: { role: "learner" } });
    const only = await createTestUser();
    await changeUserRole({ userId: only.id }, "admin", cli);
    const self = { label: only.email, userId: only.id };
    expect(await changeUserRole({ userId: only.id }, "instructor", self)).toEqual({
      status: "last-admin",
      email: only.email,
    });
    expect(await roleOf(only.id)).toBe("admin");
    const second = await createTestUser();
    await changeUserRole({ userId: second.id }, "admin", self);
    expect((await changeUserRole({ userId: only.id }, "learner", self)).status).toBe("changed");
    expect(await roleOf(only.id)).toBe("learner");
  });

  it("keeps one admin when two admins demote each other at the same moment", async () => {
    await getPrisma().user.updateMany({ where: { role: "admin" }, data: { role: "learner" } });
    const a = await createTestUser();
    const b = await createTestUser();
    await changeUserRole({ userId: a.id }, "admin", cli);
    await changeUserRole({ userId: b.id }, "admin", cli);
    const results = await Promise.all([
      changeUserRole({ userId: a.id }, "learner", { label: b.email, userId: b.id }),
      changeUserRole({ userId: b.id }, "learner", { label: a.email, userId: a.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["changed", "last-admin"]);
    expect(await getPrisma().user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("keeps the audit row when the changed account is deleted", async () => {
    const user = await createTestUser();
    await changeUserRole({ userId: user.id }, "instructor", cli);
    await getPrisma().user.delete({ where: { id: user.id } });
    const rows = await getPrisma().roleChange.findMany({ where: { targetEmail: user.email } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.targetUserId).toBeNull();
  });
});

describe("searchUsers", () => {
  it("finds users by part of their e-mail, case-insensitively", async () => {
    const user = await createTestUser(`Find-Me-${Date.now()}@Example.test`);
    const found = await searchUsers("find-me-");
    expect(found.map((u) => u.id)).toEqual([user.id]);
    expect(found[0]).toMatchObject({ email: user.email, role: "learner" });
    expect((await searchUsers("")).length).toBeGreaterThan(1);
    expect(await searchUsers("%")).toEqual([]);
  });
});
