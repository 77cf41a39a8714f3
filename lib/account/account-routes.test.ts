import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import type { TestDatabase } from "@/lib/db/testing";
import { getPrisma } from "@/lib/db/client";
import { DELETE as deleteAccountRoute } from "@/app/api/account/route";
import { GET as exportRoute } from "@/app/api/account/export/route";
import { DELETE as deleteSessionRoute } from "@/app/api/account/sessions/route";
import { POST as resetRequestRoute } from "@/app/api/account/password-reset/route";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { POST as syncPost } from "@/app/api/progress/sync/route";
import { resetAuth } from "@/lib/auth/auth";
import { resetRateLimiters } from "@/lib/auth/rate-limit";
import { getSessionFromHeaders } from "@/lib/auth/session";
import { setUpRouteTests } from "@/lib/progress/testing/env";
import { codeMutation, ORIGIN, signUp, syncRequest } from "@/lib/progress/testing/http";
import { listUserSessions } from "@/lib/db/account-repository";
import { changeUserRole } from "@/lib/db/roles-repository";

// The account routes against Postgres: export holds exactly the caller's rows, delete leaves no
// row of the user anywhere (and no copy of their e-mail in the role audit), both need a recent
// sign-in, devices can be signed out one by one.

const PASSWORD = "correct horse battery";

let db: TestDatabase;
beforeAll(async () => {
  db = await setUpRouteTests();
});
afterAll(async () => {
  resetAuth();
  await db?.drop();
});
beforeEach(() => resetRateLimiters());

const request = (method: string, path: string, cookie: string, body?: object) =>
  new Request(`${ORIGIN}${path}`, {
    method,
    headers: { "content-type": "application/json", origin: ORIGIN, cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const exportData = (cookie: string) => exportRoute(request("GET", "/api/account/export", cookie));
const deleteAccount = (cookie: string, password: string) =>
  deleteAccountRoute(request("DELETE", "/api/account", cookie, { password }));

/** A learner with a cell state, an attempt, lesson progress and a pending reset token. */
async function learnerWithProgress(code: string) {
  const learner = await signUp();
  const pass = {
    ...codeMutation("intro", code),
    kind: "attempt",
    payload: { passed: true, durationMs: 7 },
  };
  const visit = { ...codeMutation("intro", code), kind: "lesson", payload: { event: "visit" } };
  const edit = codeMutation("train", code);
  const synced = await syncPost(
    syncRequest({ mutations: [visit, edit, pass] }, { cookie: learner.cookie }),
  );
  expect(synced.status).toBe(200);
  const reset = await resetRequestRoute(
    new Request(`${ORIGIN}/api/account/password-reset`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email: learner.email }),
    }),
  );
  expect(reset.status).toBe(200);
  const user = await getPrisma().user.findUniqueOrThrow({
    where: { email: learner.email },
    select: { id: true },
  });
  return { ...learner, id: user.id };
}

/** Makes every session of the user look as if it began 20 minutes ago. */
async function ageSessions(userId: string) {
  await getPrisma().session.updateMany({
    where: { userId },
    data: { createdAt: new Date(Date.now() - 20 * 60_000) },
  });
}

/** Rows naming `userId` in any table of the test schema (every …userId and instructorId column, user.id, verification.value). */
async function rowsOfUser(userId: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: db.baseUrl });
  await client.connect();
  try {
    const { rows: columns } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = $1 AND (column_name ILIKE '%userId' OR column_name = 'instructorId')`,
      [db.schema],
    );
    const counts: Record<string, number> = {};
    const count = async (label: string, sql: string) => {
      const { rows } = await client.query<{ n: number }>(sql, [userId]);
      counts[label] = rows[0]?.n ?? 0;
    };
    for (const { table_name, column_name } of columns)
      await count(
        `${table_name}.${column_name}`,
        `SELECT count(*)::int AS n FROM "${db.schema}"."${table_name}" WHERE "${column_name}" = $1`,
      );
    await count("user.id", `SELECT count(*)::int AS n FROM "${db.schema}"."user" WHERE id = $1`);
    await count(
      "verification.value",
      `SELECT count(*)::int AS n FROM "${db.schema}"."verification" WHERE value LIKE '%' || $1`,
    );
    return counts;
  } finally {
    await client.end();
  }
}

/** Every role_change row of the test schema, oldest first, and all of them as one text. */
async function roleAudit() {
  const client = new pg.Client({ connectionString: db.baseUrl });
  await client.connect();
  try {
    const table = `"${db.schema}"."role_change"`;
    const { rows } = await client.query<{
      actor: string;
      actorUserId: string | null;
      targetUserId: string | null;
      targetEmail: string;
      fromRole: string;
      toRole: string;
      at: Date;
    }>(
      `SELECT "actor", "actorUserId", "targetUserId", "targetEmail", "fromRole"::text AS "fromRole",
              "toRole"::text AS "toRole", "at" FROM ${table} ORDER BY "at", "id"`,
    );
    const { rows: text } = await client.query<{ all: string | null }>(
      `SELECT string_agg(r::text, E'\\n') AS "all" FROM ${table} r`,
    );
    return { rows, text: text[0]?.all ?? "" };
  } finally {
    await client.end();
  }
}

describe("GET /api/account/export", () => {
  it("returns exactly the caller's rows as an attachment, with a second learner's rows present", async () => {
    const a = await learnerWithProgress("a's code");
    const b = await learnerWithProgress("b's code");
    const response = await exportData(a.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="courses-my-data-\d{4}-\d\d-\d\d\.json"$/,
    );
    const text = await response.text();
    const data = JSON.parse(text);
    expect(data.user).toMatchObject({ id: a.id, email: a.email });
    expect(Object.keys(data.user).sort()).toEqual(
      ["createdAt", "email", "emailVerified", "id", "name", "role", "updatedAt"].sort(),
    );
    const prisma = getPrisma();
    expect(data.cellStates).toHaveLength(await prisma.cellState.count({ where: { userId: a.id } }));
    expect(data.cellStates.map((c: { cellId: string }) => c.cellId).sort()).toEqual(["train"]);
    expect(data.cellStates[0].code).toBe("a's code");
    expect(data.exerciseAttempts).toHaveLength(1);
    expect(data.exerciseAttempts[0]).toMatchObject({
      cellId: "intro",
      passed: true,
      durationMs: 7,
    });
    expect(data.lessonProgress).toHaveLength(
      await prisma.lessonProgress.count({ where: { userId: a.id } }),
    );
    expect(data.lessonProgress).toHaveLength(1);
    // Nothing of the other learner, and no secrets.
    expect(text).not.toContain(b.id);
    expect(text).not.toContain(b.email);
    expect(text).not.toContain("b's code");
    const secrets = await prisma.account.findFirstOrThrow({
      where: { userId: a.id },
      select: { password: true },
    });
    expect(text).not.toContain(secrets.password!);
    for (const session of await prisma.session.findMany({ where: { userId: a.id } }))
      expect(text).not.toContain(session.token);
  });

  it("needs a recent sign-in (403 'Sign in again') and a session (401)", async () => {
    const a = await learnerWithProgress("old");
    await ageSessions(a.id);
    const stale = await exportData(a.cookie);
    expect(stale.status).toBe(403);
    expect((await stale.json()).error).toMatch(/^Sign in again to download your data/);
    expect((await exportData("")).status).toBe(401);
  });
});

describe("DELETE /api/account", () => {
  it("with the right password removes the user and every row of theirs, and signs out everywhere", async () => {
    const a = await learnerWithProgress("mine");
    const b = await learnerWithProgress("theirs");
    // The role audit names a: promoted from the command line, then as the admin changing b's role.
    await changeUserRole({ userId: a.id }, "admin", { label: "cli:tester", userId: null });
    await changeUserRole({ userId: b.id }, "admin", { label: a.email, userId: a.id });
    const before = await rowsOfUser(a.id);
    expect(before["cell_state.userId"]).toBeGreaterThan(0);
    expect(before["verification.value"]).toBeGreaterThan(0);
    expect(before["role_change.targetUserId"]).toBe(1);
    expect(before["role_change.actorUserId"]).toBe(1);
    const auditBefore = (await roleAudit()).rows;
    expect(auditBefore).toMatchObject([
      { actor: "cli:tester", targetEmail: a.email, fromRole: "learner", toRole: "admin" },
      { actor: a.email, targetEmail: b.email, fromRole: "learner", toRole: "admin" },
    ]);

    const wrong = await deleteAccount(a.cookie, "not my password");
    expect(wrong.status).toBe(403);
    expect((await rowsOfUser(a.id))["user.id"]).toBe(1);

    const response = await deleteAccount(a.cookie, PASSWORD);
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie().join("\n")).toMatch(/session_token=; .*Max-Age=0/);
    const after = await rowsOfUser(a.id);
    expect(Object.values(after).every((n) => n === 0)).toBe(true);
    expect(Object.keys(after)).toEqual(
      expect.arrayContaining(["session.userId", "account.userId"]),
    );
    expect(
      await getSessionFromHeaders(new Headers({ cookie: a.cookie }), { fresh: true }),
    ).toBeNull();

    // The role audit keeps both changes (roles, times, b's side) but no copy of a's e-mail.
    const audit = await roleAudit();
    expect(audit.text).not.toContain(a.email);
    expect(audit.rows).toEqual([
      { ...auditBefore[0], targetUserId: null, targetEmail: "deleted account" },
      { ...auditBefore[1], actorUserId: null, actor: "deleted account" },
    ]);

    // The other learner is untouched; the deleted one cannot sign in.
    expect((await rowsOfUser(b.id))["cell_state.userId"]).toBe(1);
    const signIn = await authPost(
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ email: a.email, password: PASSWORD }),
      }),
    );
    expect(signIn.status).toBe(401);
  });

  it("keeps the only admin's account (409) until someone else is an admin", async () => {
    const client = new pg.Client({ connectionString: db.baseUrl });
    await client.connect();
    await client
      .query(`UPDATE "${db.schema}"."user" SET "role" = 'learner' WHERE "role" = 'admin'`)
      .finally(() => client.end());
    const admin = await learnerWithProgress("the only admin");
    await changeUserRole({ userId: admin.id }, "admin", { label: "cli:tester", userId: null });

    const refused = await deleteAccount(admin.cookie, PASSWORD);
    expect(refused.status).toBe(409);
    expect((await refused.json()).error).toMatch(/^You are the only admin/);
    expect((await rowsOfUser(admin.id))["user.id"]).toBe(1);

    const next = await signUp();
    await changeUserRole({ email: next.email }, "admin", { label: admin.email, userId: admin.id });
    expect((await deleteAccount(admin.cookie, PASSWORD)).status).toBe(204);
  });

  it("another tab's outbox syncing after the deletion gets 401, not a server error", async () => {
    // Tabs of one browser share the cookie: the deleting tab's cookie is the other tab's too.
    const a = await learnerWithProgress("tab one");
    expect((await deleteAccount(a.cookie, PASSWORD)).status).toBe(204);
    const late = await syncPost(
      syncRequest({ mutations: [codeMutation("train", "late edit")] }, { cookie: a.cookie }),
    );
    expect(late.status).toBe(401);
  });

  it("needs a recent sign-in, even with the right password", async () => {
    const a = await learnerWithProgress("kept");
    await ageSessions(a.id);
    const response = await deleteAccount(a.cookie, PASSWORD);
    expect(response.status).toBe(403);
    expect((await response.json()).error).toMatch(/^Sign in again to delete your account/);
    expect((await rowsOfUser(a.id))["user.id"]).toBe(1);
  });
});

describe("DELETE /api/account/sessions", () => {
  it("signs out another device, not this one, and only the caller's own", async () => {
    const a = await learnerWithProgress("devices");
    const signInAgain = await authPost(
      new Request(`${ORIGIN}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN, "user-agent": "Phone" },
        body: JSON.stringify({ email: a.email, password: PASSWORD }),
      }),
    );
    const phoneCookie = signInAgain.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    const sessions = await listUserSessions(a.id);
    expect(sessions).toHaveLength(2);
    const phone = sessions.find((s) => s.userAgent === "Phone")!;
    const other = await signUp();

    const notTheirs = await deleteSessionRoute(
      request("DELETE", "/api/account/sessions", other.cookie, { sessionId: phone.id }),
    );
    expect(notTheirs.status).toBe(404);

    const self = await deleteSessionRoute(
      request("DELETE", "/api/account/sessions", phoneCookie, { sessionId: phone.id }),
    );
    expect(self.status).toBe(400);

    const ended = await deleteSessionRoute(
      request("DELETE", "/api/account/sessions", a.cookie, { sessionId: phone.id }),
    );
    expect(ended.status).toBe(204);
    expect(
      await getSessionFromHeaders(new Headers({ cookie: phoneCookie }), { fresh: true }),
    ).toBeNull();
    expect(
      await getSessionFromHeaders(new Headers({ cookie: a.cookie }), { fresh: true }),
    ).not.toBeNull();
  });
});

describe("a sync batch racing the deletion", () => {
  it("answers 401 when the account disappears while the batch is being written", async () => {
    const a = await learnerWithProgress("racing");
    const client = new pg.Client({ connectionString: db.baseUrl });
    await client.connect();
    try {
      // The deletion holds its locks until commit; the batch passes the session check (the
      // session row is still visible to it) and then waits on the user row.
      await client.query("BEGIN");
      await client.query(`DELETE FROM "${db.schema}"."user" WHERE id = $1`, [a.id]);
      const pending = syncPost(
        syncRequest({ mutations: [codeMutation("train", "racing edit")] }, { cookie: a.cookie }),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      await client.query("COMMIT");
      const response = await pending;
      expect(response.status).toBe(401);
      expect((await response.json()).error).toBe("This account no longer exists.");
    } finally {
      await client.end();
    }
  });
});
