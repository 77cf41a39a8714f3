import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/testing";
import { setUserRole } from "@/lib/db/analytics-repository-seed";
import { ORIGIN, signUp } from "@/lib/progress/testing/http";
import { resetAuth } from "./auth";
import { resetRateLimiters } from "./rate-limit";

// Every page and route handler under app/(instructor) refuses anonymous users (401 or a redirect
// to sign-in) and learners (403), and serves instructors and admins — through the real
// better-auth sessions and Postgres. The list of routes below is checked against the folder, so
// a new page or route without a test fails here.

let requestHeaders = new Headers();
vi.mock("next/headers", () => ({ headers: async () => requestHeaders }));

const APP = path.join(process.cwd(), "app/(instructor)");
const ROUTE = "/instructor/lessons/graph-queries/first-queries/match-and-return";

type Page = (props: {
  params: Promise<Record<string, unknown>>;
  searchParams: Promise<Record<string, unknown>>;
}) => Promise<unknown>;
type Handler = (request: Request) => Promise<Response>;

const PAGES: Record<
  string,
  { load: () => Promise<{ default: unknown }>; params: Record<string, unknown>; path: string }
> = {
  "instructor/page.tsx": {
    load: () => import("@/app/(instructor)/instructor/page"),
    params: {},
    path: "/instructor",
  },
  "instructor/analytics/page.tsx": {
    load: () => import("@/app/(instructor)/instructor/analytics/page"),
    params: {},
    path: "/instructor/analytics",
  },
  "instructor/lessons/[...key]/page.tsx": {
    load: () => import("@/app/(instructor)/instructor/lessons/[...key]/page"),
    params: { key: ["graph-queries", "first-queries", "match-and-return"] },
    path: ROUTE,
  },
  "instructor/learners/[id]/page.tsx": {
    load: () => import("@/app/(instructor)/instructor/learners/[id]/page"),
    params: { id: "someone" },
    path: "/instructor/learners/someone",
  },
  "instructor/learners/page.tsx": {
    load: () => import("@/app/(instructor)/instructor/learners/page"),
    params: {},
    path: "/instructor/learners",
  },
  "instructor/classes/page.tsx": {
    load: () => import("@/app/(instructor)/instructor/classes/page"),
    params: {},
    path: "/instructor/classes",
  },
  "instructor/classes/[id]/page.tsx": {
    load: () => import("@/app/(instructor)/instructor/classes/[id]/page"),
    params: { id: "no-such-class" },
    path: "/instructor/classes/no-such-class",
  },
};
// Pages that answer 404 for the unknown id above once the guard has let the instructor through.
const BY_ID = /^\/instructor\/(learners|classes)\/[^/]+$/;
// Public on purpose: the "instructors only" notice learners are sent to; it shows nothing private.
const PUBLIC_PAGES = new Set(["instructor/forbidden/page.tsx"]);

const ROUTES: Record<string, { load: () => Promise<{ GET: Handler }>; url: string }> = {
  "instructor/analytics/export/route.ts": {
    load: () => import("@/app/(instructor)/instructor/analytics/export/route"),
    url: "/instructor/analytics/export?kind=exercises",
  },
  "instructor/preview-version/route.ts": {
    load: () => import("@/app/(instructor)/instructor/preview-version/route"),
    url: "/instructor/preview-version?key=graph-queries/first-queries/match-and-return",
  },
};

// POST routes (JSON through lib/http/route.ts): what an instructor or admin gets once let through.
const POST_ROUTES: Record<
  string,
  {
    load: () => Promise<{ POST: Handler }>;
    url: string;
    body: unknown;
    served: Record<"instructor" | "admin", number>;
  }
> = {
  "instructor/lessons-check/route.ts": {
    load: () => import("@/app/(instructor)/instructor/lessons-check/route"),
    url: "/instructor/lessons-check",
    // An unknown lesson: the guard's answer is what is tested here, not a whole check run.
    body: { key: "no/such/lesson" },
    served: { instructor: 404, admin: 404 },
  },
  "instructor/learner-exercise-reset/route.ts": {
    load: () => import("@/app/(instructor)/instructor/learner-exercise-reset/route"),
    url: "/instructor/learner-exercise-reset",
    body: { userId: "someone", lessonKey: "t/c/l", cellId: "ex" },
    // An instructor may reset only learners of their own classes; an admin anyone.
    served: { instructor: 404, admin: 200 },
  },
};

function filesUnder(dir: string, name: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && name.test(entry.name))
    .map((entry) => path.relative(APP, path.join(entry.parentPath, entry.name)));
}

/** What a server component did: rendered, or the redirect / HTTP error Next would answer with. */
async function outcome(page: Page, params: Record<string, unknown>): Promise<string> {
  try {
    await page({ params: Promise.resolve(params), searchParams: Promise.resolve({}) });
    return "rendered";
  } catch (error) {
    const digest = (error as { digest?: string }).digest ?? "";
    if (digest.startsWith("NEXT_REDIRECT")) return `redirect ${digest.split(";")[2]}`;
    if (digest.startsWith("NEXT_HTTP_ERROR_FALLBACK")) return `http ${digest.split(";")[1]}`;
    throw error;
  }
}

let db: TestDatabase;
const cookies: Record<"learner" | "instructor" | "admin", string> = {
  learner: "",
  instructor: "",
  admin: "",
};

beforeAll(async () => {
  process.env.AUTH_SECRET = "test-secret-0123456789-0123456789-abcdef";
  process.env.AUTH_RATE_LIMIT_PER_MINUTE = "1000";
  resetAuth();
  resetRateLimiters();
  db = await createTestDatabase();
  for (const role of ["learner", "instructor", "admin"] as const) {
    const account = await signUp();
    if (role !== "learner") await setUserRole(account.email, role);
    cookies[role] = account.cookie;
  }
});
afterAll(async () => {
  delete process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS;
  resetAuth();
  await db?.drop();
});
beforeEach(() => {
  requestHeaders = new Headers();
});

describe("instructor routes are all covered", () => {
  it("lists every page and route handler of app/(instructor)", () => {
    const pages = filesUnder(APP, /^page\.tsx$/).filter((p) => !PUBLIC_PAGES.has(p));
    expect(pages.sort()).toEqual(Object.keys(PAGES).sort());
    expect(filesUnder(APP, /^route\.ts$/).sort()).toEqual(
      [...Object.keys(ROUTES), ...Object.keys(POST_ROUTES)].sort(),
    );
  });
});

describe.each(Object.entries(PAGES))("page %s", (_file, spec) => {
  it("sends anonymous visitors to sign-in, coming back to the page", async () => {
    const { default: page } = await spec.load();
    expect(await outcome(page as Page, spec.params)).toBe(
      `redirect /sign-in?next=${encodeURIComponent(spec.path)}`,
    );
  });

  it("refuses learners with 403 (authInterrupts on) or the instructors-only page (off)", async () => {
    const { default: page } = await spec.load();
    requestHeaders = new Headers({ cookie: cookies.learner });
    process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";
    expect(await outcome(page as Page, spec.params)).toBe("http 403");
    delete process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS;
    expect(await outcome(page as Page, spec.params)).toBe("redirect /instructor/forbidden");
  });

  it("refuses a forged session cookie like an anonymous visitor", async () => {
    const { default: page } = await spec.load();
    requestHeaders = new Headers({ cookie: "better-auth.session_token=forged.value" });
    expect(await outcome(page as Page, spec.params)).toMatch(/^redirect \/sign-in/);
  });

  it.each(["instructor", "admin"] as const)("serves %s", async (role) => {
    const { default: page } = await spec.load();
    requestHeaders = new Headers({ cookie: cookies[role] });
    const result = await outcome(page as Page, spec.params);
    // Pages by id 404 for an unknown id, after the guard let the instructor through.
    expect(result).toBe(BY_ID.test(spec.path) ? "http 404" : "rendered");
  });
});

describe.each(Object.entries(ROUTES))("route %s", (_file, spec) => {
  const call = async (cookie?: string) => {
    const { GET } = await spec.load();
    return GET(new Request(`${ORIGIN}${spec.url}`, { headers: cookie ? { cookie } : {} }));
  };

  it("answers 401 without a session and 403 for learners, with no data", async () => {
    const anonymous = await call();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain("lesson_key");
    const learner = await call(cookies.learner);
    expect(learner.status).toBe(403);
    expect(learner.headers.get("cache-control")).toBe("no-store");
    expect((await call("better-auth.session_token=forged.value")).status).toBe(401);
  });

  it.each(["instructor", "admin"] as const)("serves %s", async (role) => {
    const response = await call(cookies[role]);
    expect(response.status).toBe(200);
  });
});

describe.each(Object.entries(POST_ROUTES))("POST route %s", (_file, spec) => {
  const call = async (cookie?: string) => {
    const { POST } = await spec.load();
    return POST(
      new Request(`${ORIGIN}${spec.url}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: ORIGIN,
          ...(cookie ? { cookie } : {}),
        },
        body: JSON.stringify(spec.body),
      }),
    );
  };

  it("answers 401 without a session and 403 for learners", async () => {
    expect((await call()).status).toBe(401);
    expect((await call(cookies.learner)).status).toBe(403);
    expect((await call("better-auth.session_token=forged.value")).status).toBe(401);
  });

  it.each(["instructor", "admin"] as const)("lets %s through", async (role) => {
    expect((await call(cookies[role])).status).toBe(spec.served[role]);
  });
});

describe("role changes", () => {
  it("takes a demotion into account at once, despite the session cookie cache", async () => {
    const { GET } = await import("@/app/(instructor)/instructor/analytics/export/route");
    const account = await signUp();
    await setUserRole(account.email, "instructor");
    const request = () =>
      new Request(`${ORIGIN}/instructor/analytics/export`, { headers: { cookie: account.cookie } });
    expect((await GET(request())).status).toBe(200);
    await setUserRole(account.email, "learner");
    expect((await GET(request())).status).toBe(403);
  });
});

describe("CSV export", () => {
  it("exports exercises and lessons as CSV attachments", async () => {
    const { GET } = await import("@/app/(instructor)/instructor/analytics/export/route");
    const exercises = await GET(
      new Request(`${ORIGIN}/instructor/analytics/export?kind=exercises`, {
        headers: { cookie: cookies.instructor },
      }),
    );
    expect(exercises.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(exercises.headers.get("content-disposition")).toMatch(
      /^attachment; filename="courses-exercises-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const text = await exercises.text();
    expect(text.split("\r\n")[0]).toBe(
      "lesson_key,lesson_title,exercise,verification,attempts,learners,learners_passed,learner_pass_rate,attempt_pass_rate,median_time_to_pass_s,learners_first_try,median_attempts_to_pass,top_error,top_error_count",
    );
    expect(text).toContain("graph-queries/first-queries/match-and-return,");
    const lessons = await GET(
      new Request(`${ORIGIN}/instructor/analytics/export?kind=lessons`, {
        headers: { cookie: cookies.instructor },
      }),
    );
    expect((await lessons.text()).split("\r\n")[0]).toBe(
      "track,chapter,position,lesson_key,lesson_title,started,completed,completed_all_so_far",
    );
    const bad = await GET(
      new Request(`${ORIGIN}/instructor/analytics/export?kind=passwords`, {
        headers: { cookie: cookies.instructor },
      }),
    );
    expect(bad.status).toBe(422);
  });
});

// ---- roles and classes (issue 23): the admin page, the class pages and their JSON routes ----

type Post = (request: Request) => Promise<Response>;
const post = (handler: Post, url: string, body: unknown, cookie?: string) =>
  handler(
    new Request(`${ORIGIN}${url}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: ORIGIN,
        ...(cookie ? { cookie } : {}),
      },
      body: JSON.stringify(body),
    }),
  );

describe("admin pages and routes", () => {
  const ADMIN_APP = path.join(process.cwd(), "app/(admin)");
  const usersPage = async () =>
    (await import("@/app/(admin)/admin/users/page")).default as unknown as Page;

  it("lists every page of app/(admin) here", () => {
    const pages = readdirSync(ADMIN_APP, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /^(page\.tsx|route\.ts)$/.test(e.name))
      .map((e) => path.relative(ADMIN_APP, path.join(e.parentPath, e.name)));
    expect(pages).toEqual(["admin/users/page.tsx"]);
  });

  it("sends anonymous visitors to sign-in and refuses learners and instructors", async () => {
    expect(await outcome(await usersPage(), {})).toBe(
      `redirect /sign-in?next=${encodeURIComponent("/admin/users")}`,
    );
    for (const role of ["learner", "instructor"] as const) {
      requestHeaders = new Headers({ cookie: cookies[role] });
      expect(await outcome(await usersPage(), {})).toBe(
        "redirect /instructor/forbidden?need=admin",
      );
      process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";
      expect(await outcome(await usersPage(), {})).toBe("http 403");
      delete process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS;
    }
    requestHeaders = new Headers({ cookie: cookies.admin });
    expect(await outcome(await usersPage(), {})).toBe("rendered");
  });

  it("POST /api/admin/users/role: 401 anonymous, 403 for non-admins, recorded for admins", async () => {
    const { POST } = await import("@/app/api/admin/users/role/route");
    const target = await signUp();
    const { findUserIdByEmail } = await import("@/lib/db/analytics-repository-seed");
    const userId = (await findUserIdByEmail(target.email)) ?? "";
    const url = "/api/admin/users/role";
    expect((await post(POST, url, { userId, role: "instructor" })).status).toBe(401);
    expect((await post(POST, url, { userId, role: "instructor" }, cookies.learner)).status).toBe(
      403,
    );
    expect((await post(POST, url, { userId, role: "admin" }, cookies.instructor)).status).toBe(403);
    expect((await post(POST, url, { userId, role: "boss" }, cookies.admin)).status).toBe(422);
    const ok = await post(POST, url, { userId, role: "instructor" }, cookies.admin);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { message: string }).message).toBe(
      `${target.email} is now instructor (was learner).`,
    );
    const { recentRoleChanges } = await import("@/lib/db/roles-repository");
    expect((await recentRoleChanges(1))[0]).toMatchObject({
      targetEmail: target.email,
      from: "learner",
      to: "instructor",
    });
    expect((await post(POST, url, { userId: "nobody", role: "admin" }, cookies.admin)).status).toBe(
      404,
    );
  });
});

describe("classes: pages and routes", () => {
  const create = async (cookie: string, name = "Evening class") => {
    const { POST } = await import("@/app/api/instructor/classes/route");
    return post(POST, "/api/instructor/classes", { name, tracks: ["graph-queries"] }, cookie);
  };

  it("POST /api/instructor/classes: 401 anonymous, 403 learners, 422 unknown track", async () => {
    const { POST } = await import("@/app/api/instructor/classes/route");
    const body = { name: "X", tracks: ["graph-queries"] };
    expect((await post(POST, "/api/instructor/classes", body)).status).toBe(401);
    expect((await post(POST, "/api/instructor/classes", body, cookies.learner)).status).toBe(403);
    const bad = await post(
      POST,
      "/api/instructor/classes",
      { name: "X", tracks: ["no-such-track"] },
      cookies.instructor,
    );
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      fieldErrors: { tracks: ["no such track: no-such-track"] },
    });
    expect((await create(cookies.instructor)).status).toBe(200);
  });

  it("refuses another instructor's class with 403 everywhere; its owner and admins get in", async () => {
    const created = (await (await create(cookies.instructor)).json()) as {
      id: string;
      joinCode: string;
    };
    const other = await signUp();
    await setUserRole(other.email, "instructor");
    const { default: classPage } = await import("@/app/(instructor)/instructor/classes/[id]/page");
    const page = classPage as unknown as Page;
    const params = { id: created.id };

    requestHeaders = new Headers({ cookie: other.cookie });
    expect(await outcome(page, params)).toBe("redirect /instructor/forbidden?need=class-owner");
    process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS = "true";
    expect(await outcome(page, params)).toBe("http 403");
    delete process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS;
    const { default: analytics } = await import("@/app/(instructor)/instructor/analytics/page");
    const withClass = async () =>
      (analytics as unknown as Page)({
        params: Promise.resolve({}),
        searchParams: Promise.resolve({ class: created.id }),
      }).then(
        () => "rendered",
        (error: { digest?: string }) => error.digest ?? String(error),
      );
    expect(await withClass()).toMatch(
      /^NEXT_REDIRECT;replace;\/instructor\/forbidden\?need=class-owner/,
    );

    const { GET } = await import("@/app/(instructor)/instructor/analytics/export/route");
    const exportAs = (cookie: string) =>
      GET(
        new Request(`${ORIGIN}/instructor/analytics/export?kind=lessons&class=${created.id}`, {
          headers: { cookie },
        }),
      );
    const refused = await exportAs(other.cookie);
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("lesson_key");
    expect((await exportAs(cookies.instructor)).status).toBe(200);
    expect((await exportAs(cookies.admin)).status).toBe(200);

    const { POST: revoke } = await import("@/app/api/instructor/classes/revoke/route");
    const url = "/api/instructor/classes/revoke";
    expect((await post(revoke, url, { classId: created.id }, other.cookie)).status).toBe(403);
    expect((await post(revoke, url, { classId: created.id }, cookies.learner)).status).toBe(403);

    for (const cookie of [cookies.instructor, cookies.admin]) {
      requestHeaders = new Headers({ cookie });
      expect(await outcome(page, params)).toBe("rendered");
    }
  });

  it("join: 401 anonymous, joins once, and a revoked code says the link is no longer valid", async () => {
    const created = (await (await create(cookies.instructor)).json()) as {
      id: string;
      joinCode: string;
    };
    const { POST: join } = await import("@/app/api/classes/join/route");
    const learner = await signUp();
    expect((await post(join, "/api/classes/join", { code: created.joinCode })).status).toBe(401);
    const joined = await post(
      join,
      "/api/classes/join",
      { code: created.joinCode },
      learner.cookie,
    );
    expect(await joined.json()).toEqual({
      classId: created.id,
      name: "Evening class",
      alreadyMember: false,
    });
    const again = await post(join, "/api/classes/join", { code: created.joinCode }, learner.cookie);
    expect(((await again.json()) as { alreadyMember: boolean }).alreadyMember).toBe(true);

    const { POST: revoke } = await import("@/app/api/instructor/classes/revoke/route");
    const fresh = await post(
      revoke,
      "/api/instructor/classes/revoke",
      { classId: created.id },
      cookies.instructor,
    );
    const { joinCode } = (await fresh.json()) as { joinCode: string };
    expect(joinCode).not.toBe(created.joinCode);
    const stale = await post(join, "/api/classes/join", { code: created.joinCode }, learner.cookie);
    expect(stale.status).toBe(404);
    expect(await stale.json()).toEqual({ error: "This join link is no longer valid." });

    const { default: joinPage } = await import("@/app/(classes)/join/[code]/page");
    requestHeaders = new Headers();
    expect(await outcome(joinPage as unknown as Page, { code: joinCode })).toBe(
      `redirect /sign-in?next=${encodeURIComponent(`/join/${joinCode}`)}`,
    );
  });
});

describe("rate limits on the class, role and instructor routes (429 with Retry-After)", () => {
  const LIMIT = 2;
  const ROUTES: {
    name: string;
    load: () => Promise<{ POST: Post }>;
    url: string;
    role: "learner" | "instructor" | "admin";
    body: unknown;
    served: number;
    message: RegExp;
  }[] = [
    {
      // Guessing join codes: every try counts, found or not.
      name: "POST /api/classes/join",
      load: () => import("@/app/api/classes/join/route"),
      url: "/api/classes/join",
      role: "learner",
      body: { code: "A".repeat(22) },
      served: 404,
      message: /^Too many attempts to join a class; try again in \d+ s\.$/,
    },
    {
      name: "POST /api/instructor/classes",
      load: () => import("@/app/api/instructor/classes/route"),
      url: "/api/instructor/classes",
      role: "instructor",
      body: { name: "Burst class", tracks: ["graph-queries"] },
      served: 200,
      message: /^Too many class changes; try again in \d+ s\.$/,
    },
    {
      name: "POST /api/instructor/classes/revoke",
      load: () => import("@/app/api/instructor/classes/revoke/route"),
      url: "/api/instructor/classes/revoke",
      role: "instructor",
      body: { classId: "no-such-class" },
      served: 404,
      message: /^Too many class changes; try again in \d+ s\.$/,
    },
    {
      // Checks run the lesson's cells: one at a time already, and now a budget per account.
      name: "POST /instructor/lessons-check",
      load: () => import("@/app/(instructor)/instructor/lessons-check/route"),
      url: "/instructor/lessons-check",
      role: "instructor",
      body: { key: "no/such/lesson" },
      served: 404,
      message: /^Too many lesson checks; try again in \d+ s\.$/,
    },
    {
      name: "POST /instructor/learner-exercise-reset",
      load: () => import("@/app/(instructor)/instructor/learner-exercise-reset/route"),
      url: "/instructor/learner-exercise-reset",
      role: "instructor",
      body: { userId: "nobody", lessonKey: "no/such/lesson", cellId: "none" },
      served: 404,
      message: /^Too many exercise resets; try again in \d+ s\.$/,
    },
    {
      name: "POST /api/admin/users/role",
      load: () => import("@/app/api/admin/users/role/route"),
      url: "/api/admin/users/role",
      role: "admin",
      body: { userId: "nobody", role: "instructor" },
      served: 404,
      message: /^Too many role changes; try again in \d+ s\.$/,
    },
  ];

  /** Accounts of their own (with Redis the counters outlive resetRateLimiters), then a low limit. */
  async function accountsWithLowLimit(role: "learner" | "instructor" | "admin") {
    const [limited, other] = [await signUp(), await signUp()];
    if (role !== "learner")
      for (const account of [limited, other]) await setUserRole(account.email, role);
    process.env.AUTH_RATE_LIMIT_PER_MINUTE = String(LIMIT);
    resetRateLimiters();
    return { limited, other };
  }

  afterAll(() => {
    process.env.AUTH_RATE_LIMIT_PER_MINUTE = "1000";
    resetRateLimiters();
  });

  it.each(ROUTES)("$name: a burst from one account gets 429, others are served", async (spec) => {
    const { POST } = await spec.load();
    try {
      const { limited, other } = await accountsWithLowLimit(spec.role);
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++)
        statuses.push((await post(POST, spec.url, spec.body, limited.cookie)).status);
      expect(statuses).toEqual([...Array<number>(LIMIT).fill(spec.served), 429]);

      const refused = await post(POST, spec.url, spec.body, limited.cookie);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      const { error } = (await refused.json()) as { error: string };
      expect(error).toMatch(spec.message);
      expect(error).toContain(`${retryAfter} s`);

      // Per account: another account is not held back by the first one's burst.
      expect((await post(POST, spec.url, spec.body, other.cookie)).status).toBe(spec.served);
    } finally {
      process.env.AUTH_RATE_LIMIT_PER_MINUTE = "1000";
      resetRateLimiters();
    }
  });
});
