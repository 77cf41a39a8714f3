import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@/lib/db/testing";
import { setUpRouteTests } from "./testing/env";
import { resetAuth } from "@/lib/auth/auth";
import { resetRateLimiters } from "@/lib/auth/rate-limit";
import { POST as syncPost } from "@/app/api/progress/sync/route";
import { GET as progressGet } from "@/app/api/progress/route";
import { GET as lessonsGet } from "@/app/api/progress/lessons/route";
import { GET as healthGet } from "@/app/api/health/route";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import { getSessionFromHeaders } from "@/lib/auth/session";
import { codeMutation, ORIGIN, signUp, syncRequest } from "./testing/http";
import { MAX_SYNC_BODY_BYTES } from "./schemas";

// Security of the progress API, through the real route handlers, better-auth and Postgres.

let db: TestDatabase;
beforeAll(async () => {
  db = await setUpRouteTests();
});
afterAll(async () => {
  resetAuth();
  await db?.drop();
});

const LESSON = "track/01-chapter/01-lesson";
const getProgress = (cookie: string | null, lesson = LESSON) =>
  progressGet(
    new Request(`${ORIGIN}/api/progress?lesson=${encodeURIComponent(lesson)}`, {
      headers: cookie ? { cookie } : {},
    }),
  );

const getLessons = (cookie: string | null) =>
  lessonsGet(new Request(`${ORIGIN}/api/progress/lessons`, { headers: cookie ? { cookie } : {} }));

describe("progress API", () => {
  it("lists only the caller's own lessons for the catalogue, and 401 without a session", async () => {
    const a = await signUp();
    const b = await signUp();
    const visit = { ...codeMutation("intro", "x"), kind: "lesson", payload: { event: "visit" } };
    const pass = {
      ...codeMutation("intro", "x"),
      kind: "attempt",
      payload: { passed: true, durationMs: 1 },
    };
    const complete = {
      ...codeMutation("intro", "x"),
      kind: "lesson",
      payload: { event: "complete" },
    };
    expect(
      (await syncPost(syncRequest({ mutations: [visit, pass, complete] }, { cookie: a.cookie })))
        .status,
    ).toBe(200);
    const lessons = (await (await getLessons(a.cookie)).json()).lessons;
    expect(lessons).toEqual([
      expect.objectContaining({
        lessonKey: LESSON,
        lastCellId: "intro",
        completedAt: expect.any(Number),
      }),
    ]);
    expect((await (await getLessons(b.cookie)).json()).lessons).toEqual([]);
    expect((await getLessons(null)).status).toBe(401);
  });

  it("saves a signed-in learner's batch and reads it back", async () => {
    const a = await signUp();
    const response = await syncPost(
      syncRequest({ mutations: [codeMutation("train", "model.fit()")] }, { cookie: a.cookie }),
    );
    expect(response.status).toBe(200);
    const progress = await (await getProgress(a.cookie)).json();
    expect(progress.cells).toEqual([
      expect.objectContaining({ cellId: "train", code: "model.fit()", version: 1 }),
    ]);
  });

  it("answers 401 without a session (sync and read)", async () => {
    expect((await syncPost(syncRequest({ mutations: [codeMutation("a", "x")] }))).status).toBe(401);
    expect((await getProgress(null)).status).toBe(401);
    expect(
      (
        await syncPost(
          syncRequest(
            { mutations: [codeMutation("a", "x")] },
            { cookie: "better-auth.session_token=forged.value" },
          ),
        )
      ).status,
    ).toBe(401);
  });

  it("keeps learners apart: A can neither read nor change B's progress", async () => {
    const a = await signUp();
    const b = await signUp();
    const fromB = codeMutation("secret", "B's code");
    await syncPost(syncRequest({ mutations: [fromB] }, { cookie: b.cookie }));
    // A reads the same lesson: only A's own (empty) progress comes back.
    const seenByA = await (await getProgress(a.cookie)).json();
    expect(seenByA.cells).toEqual([]);
    // A writes the same lesson and cell, even replaying B's mutation id: B's row is untouched.
    const replay = { ...fromB, payload: { code: "A overwrites?", lessonCodeHash: "h" } };
    await syncPost(syncRequest({ mutations: [replay] }, { cookie: a.cookie }));
    const seenByB = await (await getProgress(b.cookie)).json();
    expect(seenByB.cells[0].code).toBe("B's code");
    // A body cannot name another user: unknown fields are not part of the protocol.
    const withUser = await syncPost(
      syncRequest(
        { userId: "someone-else", mutations: [codeMutation("x", "y")] },
        { cookie: a.cookie },
      ),
    );
    expect(withUser.status).toBe(200);
    expect((await (await getProgress(b.cookie)).json()).cells).toHaveLength(1);
  });

  it("answers 422 naming the mutation for a lesson or cell the catalogue lacks, and stores nothing", async () => {
    const a = await signUp();
    const response = await syncPost(
      syncRequest(
        { mutations: [codeMutation("a", "kept?"), codeMutation("nope", "x")] },
        { cookie: a.cookie },
      ),
    );
    expect(response.status).toBe(422);
    expect((await response.json()).fieldErrors).toEqual({
      "mutations.1.cellId": [`no cell 'nope' in lesson '${LESSON}'`],
    });
    expect((await (await getProgress(a.cookie)).json()).cells).toEqual([]);
  });

  it("answers 422 with field errors for an invalid batch", async () => {
    const a = await signUp();
    const bad = { ...codeMutation("a", "x"), id: "not-a-uuid", kind: "code" };
    const response = await syncPost(
      syncRequest({ mutations: [bad, { kind: "teleport" }] }, { cookie: a.cookie }),
    );
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(body.fieldErrors["mutations.0.id"]).toBeDefined();
    expect(body.fieldErrors["mutations.1.kind"]).toBeDefined();
    expect((await syncPost(syncRequest("{not json", { cookie: a.cookie }))).status).toBe(422);
    expect((await syncPost(syncRequest({ mutations: [] }, { cookie: a.cookie }))).status).toBe(422);
    expect((await getProgress(a.cookie, "../../etc/passwd")).status).toBe(422);
  });

  it("refuses an oversized body with 413 before reading it all", async () => {
    const a = await signUp();
    const huge = JSON.stringify({
      mutations: [codeMutation("a", "x".repeat(MAX_SYNC_BODY_BYTES))],
    });
    expect((await syncPost(syncRequest(huge, { cookie: a.cookie }))).status).toBe(413);
    // A body that lies about its length is cut off while streaming.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++)
          controller.enqueue(new TextEncoder().encode("x".repeat(100_000)));
        controller.close();
      },
    });
    const lying = new Request(`${ORIGIN}/api/progress/sync`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        cookie: a.cookie,
        "content-length": "10",
      },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await syncPost(lying)).status).toBe(413);
  });

  it("refuses cross-site requests with 403", async () => {
    const a = await signUp();
    const body = { mutations: [codeMutation("a", "x")] };
    expect(
      (await syncPost(syncRequest(body, { cookie: a.cookie, origin: "https://evil.example" })))
        .status,
    ).toBe(403);
    const noOrigin = new Request(`${ORIGIN}/api/progress/sync`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        cookie: a.cookie,
        "sec-fetch-site": "cross-site",
      },
      body: JSON.stringify(body),
    });
    expect((await syncPost(noOrigin)).status).toBe(403);
  });

  it("rate limits sync per user with 429", async () => {
    process.env.SYNC_RATE_LIMIT_PER_MINUTE = "3";
    resetRateLimiters();
    try {
      const a = await signUp();
      const statuses = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (
            await syncPost(
              syncRequest({ mutations: [codeMutation("a", `v${i}`)] }, { cookie: a.cookie }),
            )
          ).status,
        );
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      process.env.SYNC_RATE_LIMIT_PER_MINUTE = "1000";
      resetRateLimiters();
    }
  });

  it("never lets sign-up choose a role", async () => {
    const email = `role-${Date.now()}@example.test`;
    const response = await authPost(
      new Request(`${ORIGIN}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({
          email,
          password: "correct horse battery",
          name: "x",
          role: "admin",
        }),
      }),
    );
    if (response.ok) {
      const user = await getSessionFromHeaders(
        new Headers({
          cookie: response.headers
            .getSetCookie()
            .map((line) => line.split(";")[0])
            .join("; "),
        }),
      );
      expect(user?.role).toBe("learner");
    } else {
      expect(response.status).toBe(400);
    }
  });

  it("reports liveness without touching the database", async () => {
    const response = await healthGet();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
