import { expect, test, type Page } from "@playwright/test";
import { signInFreshContext, signUp, uniqueEmail } from "./accounts";
import { E2E_METRICS_TOKEN } from "./metrics";

// Operations, end to end against the production server: the catalogue's cached progress summary
// is invalidated by a sync on another device, and /api/metrics shows the traffic to its token
// holder only. Serial: the metrics test checks the traffic of the first one.

test.describe.configure({ mode: "serial" });

const LESSON_KEY = "graph-queries/first-queries/match-and-return";
const lessonMark = (page: Page) =>
  page.locator(`li[data-lesson-key="${LESSON_KEY}"] [data-progress]`);

/** Opens the catalogue and waits for the server's summary of this learner to arrive. */
async function openCatalogue(page: Page): Promise<void> {
  const summary = page.waitForResponse(
    (response) => response.url().endsWith("/api/progress/lessons") && response.status() === 200,
  );
  await page.goto("/");
  await summary;
}

function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

test("a lesson started on one device shows in another device's catalogue that was read before", async ({
  page,
  browser,
}) => {
  const email = uniqueEmail();
  await signUp(page, email, "/");

  // Device B reads the (empty) summary first: it is cached now.
  const other = await signInFreshContext(browser, email, "/");
  await openCatalogue(other);
  await expect(lessonMark(other)).toHaveCount(0);

  // Device A opens a lesson: its sync commits a lesson visit (and must drop B's cached summary).
  const status = await page.evaluate(async (lessonKey) => {
    const response = await fetch("/api/progress/sync", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        mutations: [
          {
            id: crypto.randomUUID(),
            kind: "lesson",
            lessonKey,
            cellId: "find-keanu",
            clientVersion: 0,
            at: Date.now(),
            payload: { event: "visit" },
          },
        ],
      }),
    });
    return response.status;
  }, LESSON_KEY);
  expect(status).toBe(200);

  // Device B has no copy of its own of this lesson: only the server's summary can mark it.
  await openCatalogue(other);
  await expect(lessonMark(other)).toHaveAttribute("data-progress", "started");
  await openCatalogue(other);
  await expect(lessonMark(other)).toHaveAttribute("data-progress", "started");
  await other.context().close();
});

test("/api/metrics answers the token holder only, with request, sync and cache figures", async ({
  request,
}) => {
  const refused = await request.get("/api/metrics");
  expect(refused.status(), "a scrape without the token").toBe(401);
  const wrong = await request.get("/api/metrics", {
    headers: { authorization: "Bearer not-the-metrics-token-at-all" },
  });
  expect(wrong.status()).toBe(401);

  const response = await request.get("/api/metrics", {
    headers: { authorization: `Bearer ${E2E_METRICS_TOKEN}` },
  });
  expect(
    response.status(),
    "start the server with METRICS_TOKEN from e2e/metrics.ts (playwright.config.ts does)",
  ).toBe(200);
  const text = await response.text();
  expect(
    sample(
      text,
      'courses_http_request_duration_seconds_count{route="progress/lessons",method="GET",status_class="2xx"}',
    ),
  ).toBeGreaterThanOrEqual(3);
  expect(
    sample(
      text,
      'courses_http_request_duration_seconds_count{route="page:catalog",method="GET",status_class="2xx"}',
    ),
  ).toBeGreaterThanOrEqual(3);
  expect(sample(text, 'courses_sync_mutations_total{outcome="applied"}')).toBeGreaterThanOrEqual(1);
  expect(
    sample(text, 'courses_cache_lookups_total{cache="catalog-progress",result="hit"}'),
  ).toBeGreaterThanOrEqual(1);
  expect(
    sample(text, 'courses_cache_lookups_total{cache="catalog-progress",result="miss"}'),
  ).toBeGreaterThanOrEqual(2);
  expect(text).toContain("courses_process_cpu_seconds_total");
  // Labels are route names, never raw paths.
  expect(text).not.toMatch(/route="\/learn\//);
});
