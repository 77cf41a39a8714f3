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
};
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
    expect(filesUnder(APP, /^route\.ts$/).sort()).toEqual(Object.keys(ROUTES).sort());
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
    // The learner page 404s for an unknown id, after the guard let the instructor through.
    expect(result).toBe(spec.path.startsWith("/instructor/learners/") ? "http 404" : "rendered");
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
      "lesson_key,lesson_title,exercise,verification,attempts,learners,learners_passed,learner_pass_rate,attempt_pass_rate,median_time_to_pass_s,top_error,top_error_count",
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
