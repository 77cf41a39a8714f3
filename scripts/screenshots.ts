/**
 * `npm run screenshots`: the README's pictures, taken from a running server (E2E_BASE_URL,
 * default http://127.0.0.1:3000) in Debian's Chromium, into docs/screenshots/.
 */
import { chromium, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/chromium";

const base = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3000";
const out = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
const LESSON = "/learn/sequence-models/forecasting/sine-wave-lstm";
const CYPHER_LESSON = "/learn/graph-queries/first-queries/match-and-return";

async function runCells(page: Page, ids: string[]) {
  for (const id of ids) {
    const cell = page.locator(`[data-cell-id="${id}"]`);
    await cell.scrollIntoViewIfNeeded();
    await cell.getByRole("button", { name: /^Run / }).click();
    await cell.locator('[data-status="done"], [data-status="error"]').waitFor({ timeout: 120_000 });
  }
}

async function main() {
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const shoot = async (
    url: string,
    name: string,
    scheme: "light" | "dark",
    prepare?: (page: Page) => Promise<void>,
  ) => {
    const page = await browser.newPage({
      colorScheme: scheme,
      viewport: { width: 1280, height: 860 },
    });
    await page.goto(`${base}${url}`, { waitUntil: "load" });
    await page.waitForTimeout(1500);
    await prepare?.(page);
    await page.waitForTimeout(800);
    await page.screenshot({ path: path.join(out, `${name}.png`) });
    await page.close();
    console.log(`docs/screenshots/${name}.png`);
  };
  await shoot("/", "catalogue-light", "light");
  await shoot("/", "catalogue-dark", "dark");
  await shoot(LESSON, "lesson-light", "light");
  await shoot(LESSON, "lesson-dark", "dark");
  await shoot(LESSON, "lesson-trained", "light", async (page) => {
    await runCells(page, ["make-series", "make-windows", "build-model", "train", "evaluate"]);
    await page.locator('[data-cell-id="train"]').scrollIntoViewIfNeeded();
  });
  await shoot(CYPHER_LESSON, "cypher-lesson", "light", async (page) => {
    await runCells(page, ["find-matrix", "keanu-movies"]);
    await page.locator('[data-cell-id="find-matrix"]').scrollIntoViewIfNeeded();
  });
  await shoot("/learn/rust/ownership/moves-and-borrows", "rust-lesson", "dark", async (page) => {
    // Running Rust needs an account: sign up a throwaway learner, come back to the lesson.
    await page.goto(
      `${base}/sign-up?next=${encodeURIComponent("/learn/rust/ownership/moves-and-borrows")}`,
    );
    await page.getByLabel("Name").fill("Screenshot Learner");
    await page.getByLabel("E-mail").fill(`screenshots-${Date.now().toString(36)}@example.test`);
    await page.getByLabel("Password").fill("screenshot-password-123");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/learn/rust/ownership/moves-and-borrows");
    await page.getByRole("button", { name: "Run Rust cell shout", disabled: false }).waitFor();
    await runCells(page, ["shout"]);
    await page.locator('[data-cell-id="shout"]').scrollIntoViewIfNeeded();
  });
  // Progress: the exercise passed (lesson complete), then the catalogue, the resumed lesson and
  // the Reset lesson dialog, in one browser context so this browser's copy carries across.
  for (const scheme of ["light", "dark"] as const) {
    const context = await browser.newContext({
      colorScheme: scheme,
      viewport: { width: 1280, height: 860 },
    });
    const page = await context.newPage();
    const snap = async (name: string) => {
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(out, `${name}-${scheme}.png`) });
      console.log(`docs/screenshots/${name}-${scheme}.png`);
    };
    await page.goto(`${base}${CYPHER_LESSON}`, { waitUntil: "load" });
    const exercise = page.locator('[data-cell-id="matrix-directors"]');
    await exercise.scrollIntoViewIfNeeded();
    await exercise.getByLabel("More actions for Cypher cell matrix-directors").click();
    await exercise.getByRole("button", { name: "Show solution" }).click();
    await exercise.getByRole("button", { name: "Use this solution" }).click();
    await exercise.getByRole("button", { name: "Run Cypher cell matrix-directors" }).click();
    await page.getByTestId("lesson-complete").waitFor({ timeout: 60_000 });
    await page.goto(`${base}/`, { waitUntil: "load" });
    await page.locator("[data-progress]").first().waitFor();
    await page
      .locator('[data-lesson-key="graph-queries/first-queries/match-and-return"]')
      .scrollIntoViewIfNeeded();
    await snap("catalogue-progress");
    await page.goto(`${base}${CYPHER_LESSON}`, { waitUntil: "load" });
    await page.getByTestId("resume-here").waitFor();
    await snap("lesson-resumed");
    await page.evaluate(() => window.scrollTo(0, 0));
    await snap("lesson-complete");
    await page.getByRole("button", { name: "Reset lesson…" }).click();
    await snap("reset-lesson-dialog");
    await context.close();
  }
  await browser.close();
}

void main();
