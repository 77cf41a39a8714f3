import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { DEMO_INSTRUCTOR, DEMO_LEARNER } from "../scripts/demo-accounts";
import { signUp, uniqueEmail } from "./accounts";
import { passCypherExercise } from "./exercise";

// The instructor area end to end against the production server: the demo instructor signs in,
// sees the funnel and an exercise's pass rate, exports CSV; learners and anonymous visitors are
// refused. The demo data is seeded into the server's database, so this needs DATABASE_URL (the
// server started by playwright.config inherits it; without it the server runs an embedded
// database inside its own process that nothing else can reach).
// INSTRUCTOR_SCREENSHOTS=1 also writes docs/screenshots/instructor-*.png.

const EXERCISE = "graph-queries/first-queries/match-and-return#matrix-directors";
const SHOTS = path.resolve(import.meta.dirname, "..", "docs", "screenshots");

test.skip(
  !process.env.DATABASE_URL,
  "needs DATABASE_URL shared with the server to seed the demo data",
);

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // A child process: the seed's database modules import "server-only", which only resolves
  // under the react-server condition, as `npm run seed:demo` runs them.
  await promisify(execFile)(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/seed-demo.ts"],
    {
      cwd: path.resolve(import.meta.dirname, ".."),
      env: { ...process.env, DEMO_LEARNERS: "150" },
    },
  );
});

async function signIn(
  page: Page,
  account: { email: string; password: string },
  next: string,
): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("E-mail").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("anonymous visitors are sent to sign-in and the export answers 401", async ({
  page,
  request,
}) => {
  await page.goto("/instructor/analytics");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Finstructor%2Fanalytics$/);
  expect((await request.get("/instructor/analytics/export")).status()).toBe(401);
});

test("the demo instructor sees the funnel and an exercise's pass rate, and exports CSV", async ({
  page,
}) => {
  await page.goto("/instructor/analytics");
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, DEMO_INSTRUCTOR, "/instructor/analytics");
  await expect(page).toHaveURL("/instructor/analytics");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Analytics");

  const funnel = page.getByRole("table", { name: "Funnel across the lessons of First queries" });
  await expect(funnel).toBeVisible();
  const firstStep = funnel.getByRole("row").nth(1);
  await expect(firstStep).toContainText("MATCH and RETURN");
  const started = Number(await firstStep.getByRole("cell").nth(1).textContent());
  expect(started).toBeGreaterThan(50);

  // The demo data are self-reported results; this run's own learners add server-verified rows.
  const exercise = page.locator(
    `tr[data-exercise="${EXERCISE}"][data-verification="self-reported"]`,
  );
  await expect(exercise).toContainText(/\d+% \(\d+\)/); // pass rate (learners who passed)
  // The charts are drawn (Plotly loads on demand) beside their tables.
  await expect(page.locator(".js-plotly-plot").first()).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export exercises (CSV)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^courses-exercises-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), "utf8");
  expect(csv.split("\r\n")[0]).toContain("lesson_key,lesson_title,exercise,verification,attempts");
  const row = csv
    .split("\r\n")
    .find((line) => line.startsWith("graph-queries/first-queries/match-and-return,"));
  expect(Number(row?.split(",")[4])).toBeGreaterThan(0); // attempts

  // The per-learner view, from the recent learners list.
  await page
    .getByRole("region", { name: "Recently active learners" })
    .getByRole("table")
    .getByRole("link")
    .first()
    .click();
  await expect(page.getByRole("heading", { name: /^Lessons \(\d+\)$/ })).toBeVisible();
});

test("a learner is refused everywhere under /instructor", async ({ page }) => {
  await signIn(page, DEMO_LEARNER, "/");
  await expect(page).toHaveURL("/");
  for (const url of [
    "/instructor",
    "/instructor/analytics",
    "/instructor/lessons/graph-queries/first-queries/match-and-return",
  ]) {
    await page.goto(url);
    await expect(page.locator("body")).toContainText("403");
    await expect(page.getByRole("table")).toHaveCount(0);
  }
  const exportResponse = await page.request.get("/instructor/analytics/export");
  expect(exportResponse.status()).toBe(403);
  expect(await exportResponse.text()).not.toContain("lesson_key");
});

test("screenshots for docs/instructor.md", async ({ page }) => {
  test.skip(
    !process.env.INSTRUCTOR_SCREENSHOTS,
    "set INSTRUCTOR_SCREENSHOTS=1 to refresh docs/screenshots/instructor-*.png",
  );
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, DEMO_INSTRUCTOR, "/instructor");
  await expect(page).toHaveURL("/instructor");
  await page.screenshot({ path: path.join(SHOTS, "instructor-lessons.png") });
  await page.goto("/instructor/analytics");
  await expect(page.locator(".js-plotly-plot").first()).toBeVisible();
  await page.waitForTimeout(1000);
  await page.screenshot({
    path: path.join(SHOTS, "instructor-analytics.png"),
    fullPage: true,
    clip: { x: 0, y: 0, width: 1280, height: 1700 },
  });
  await page.goto("/instructor/lessons/graph-queries/first-queries/match-and-return");
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(SHOTS, "instructor-preview.png") });
  await page.goto("/instructor/analytics");
  await page
    .getByRole("region", { name: "Recently active learners" })
    .getByRole("table")
    .getByRole("link")
    .first()
    .click();
  await expect(page.getByRole("heading", { name: /^Lessons \(\d+\)$/ })).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, "instructor-learner.png") });
});

test("a learner who completes a lesson is counted in the instructor's funnel", async ({
  page,
  browser,
}) => {
  const completedCount = async (instructor: Page) => {
    await instructor.goto("/instructor/analytics");
    const row = instructor
      .getByRole("table", { name: "Funnel across the lessons of First queries" })
      .getByRole("row")
      .nth(1);
    await expect(row).toContainText("MATCH and RETURN");
    return Number(await row.getByRole("cell").nth(2).textContent());
  };
  const instructor = await (await browser.newContext()).newPage();
  await signIn(instructor, DEMO_INSTRUCTOR, "/instructor/analytics");
  await expect(instructor).toHaveURL("/instructor/analytics");
  const before = await completedCount(instructor);
  // Instructors see their classes' learners only: the learner joins the demo class first.
  await instructor.goto("/instructor/classes/demo-class");
  const joinPath = new URL(await instructor.getByTestId("join-link").inputValue(), "http://x")
    .pathname;

  await signUp(page, uniqueEmail(), joinPath);
  await page.getByRole("button", { name: "Join Demo class" }).click();
  await expect(page.getByRole("status")).toContainText("You joined Demo class");
  await page.goto("/learn/graph-queries/first-queries/match-and-return");
  await passCypherExercise(page, "matrix-directors");
  await expect(page.locator("[data-sync-state]")).toHaveAttribute("data-sync-state", "saved", {
    timeout: 30_000,
  });

  expect(await completedCount(instructor)).toBe(before + 1);
  await instructor.context().close();
});
