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
  const shoot = async (url: string, name: string, scheme: "light" | "dark", prepare?: (page: Page) => Promise<void>) => {
    const page = await browser.newPage({ colorScheme: scheme, viewport: { width: 1280, height: 860 } });
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
  await shoot("/learn/graph-queries/first-queries/match-and-return", "cypher-lesson", "light", async (page) => {
    await runCells(page, ["find-matrix", "keanu-movies"]);
    await page.locator('[data-cell-id="find-matrix"]').scrollIntoViewIfNeeded();
  });
  await shoot("/learn/rust/ownership/moves-and-borrows", "rust-lesson", "dark", async (page) => {
    await runCells(page, ["shout"]);
    await page.locator('[data-cell-id="shout"]').scrollIntoViewIfNeeded();
  });
  await browser.close();
}

void main();
