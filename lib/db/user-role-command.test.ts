import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, createTestUser, type TestDatabase } from "./testing";
import { getPrisma } from "./client";
import { userRoleCommand } from "./user-role-command";

// `npm run user:role` end to end in-process: against DATABASE_URL (a throwaway schema), and
// against an embedded database that a running app holds (refused with a clear message).

let db: TestDatabase;
let tmp = "";
beforeAll(async () => {
  db = await createTestDatabase();
  tmp = await mkdtemp(path.join(os.tmpdir(), "courses-user-role-"));
});
afterAll(async () => {
  process.env.DATABASE_URL = db.url;
  await db?.drop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const options = () => ({ osUser: "tester", dataDir: path.join(tmp, "pglite") });

describe("userRoleCommand", () => {
  it("promotes by e-mail and records the actor cli:<os user>", async () => {
    const user = await createTestUser();
    const result = await userRoleCommand([user.email.toUpperCase(), "instructor"], options());
    expect(result).toEqual({ code: 0, message: `${user.email} is now instructor (was learner).` });
    process.env.DATABASE_URL = db.url;
    const row = await getPrisma().roleChange.findFirstOrThrow({ where: { targetUserId: user.id } });
    expect(row).toMatchObject({ actor: "cli:tester", actorUserId: null, toRole: "instructor" });
  });

  it("answers usage errors with exit code 2 and refusals with 1", async () => {
    expect((await userRoleCommand(["not-an-email", "admin"], options())).code).toBe(2);
    const wrongRole = await userRoleCommand(["a@example.test", "boss"], options());
    expect(wrongRole.code).toBe(2);
    expect(wrongRole.message).toContain("role is learner, instructor or admin");
    expect(await userRoleCommand(["nobody@example.test", "admin"], options())).toEqual({
      code: 1,
      message: "No account has the e-mail nobody@example.test; the person must sign up first.",
    });
  });

  it("refuses, without touching it, an embedded database a running process holds", async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      // The parent process (the test runner) is alive: as if the app held the lock.
      await writeFile(`${options().dataDir}.pid`, String(process.ppid));
      const result = await userRoleCommand(["a@example.test", "admin"], options());
      expect(result.code).toBe(1);
      expect(result.message).toContain(`is in use by another process (pid ${process.ppid})`);
      expect(result.message).toContain("/admin/users");
    } finally {
      process.env.DATABASE_URL = saved;
    }
  });
});
