import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { signUp, uniqueEmail } from "./accounts";
import { openWithSavedEdit } from "./seed-progress";

// Long outputs stay inside a bounded box (tables paginate, long text keeps its tail), a cell's
// last outputs come back after a reload (marked as from an earlier run) until reset, and
// signing out clears the learner's copy from this browser.

const CYPHER_LESSON = "/learn/graph-queries/first-queries/match-and-return";
const CYPHER_KEY = "graph-queries/first-queries/match-and-return";
const TENSORS_LESSON = "/learn/sequence-models/tensors/tensors-and-operations";
const TENSORS_KEY = "sequence-models/tensors/tensors-and-operations";
const OTHER_LESSON = "/learn/graph-queries/first-queries/where-and-properties";
const SHOTS = path.resolve(import.meta.dirname, "..", "docs", "screenshots");
const THOUSAND_ROWS = "UNWIND range(1, 1000) AS i RETURN i, 'row ' + toString(i) AS label";

const cell = (page: Page, id: string) => page.locator(`section[data-cell-id="${id}"]`);

/** Clicks an item of a cell's "⋯" menu, opening the menu only if it is closed. */
async function menuAction(c: Locator, id: string, name: string) {
  const item = c.getByRole("button", { name, exact: true });
  if (!(await item.isVisible())) await c.getByLabel(`More actions for Cypher cell ${id}`).click();
  await item.click();
}

async function run(page: Page, id: string, label: string) {
  const c = cell(page, id);
  await c.scrollIntoViewIfNeeded();
  await c.getByRole("button", { name: `Run ${label} cell ${id}` }).click();
  await expect(c.locator("[data-status]").first()).toHaveAttribute("data-status", "done", {
    timeout: 90_000,
  });
  return c;
}

/** The box may not be taller than 60% of the viewport (plus its border rounding). */
async function expectBounded(page: Page, box: Locator) {
  const viewport = page.viewportSize();
  if (!viewport) throw new Error("no viewport");
  const height = (await box.boundingBox())?.height ?? Infinity;
  expect(height).toBeGreaterThan(100);
  expect(height).toBeLessThanOrEqual(viewport.height * 0.6 + 1);
}

/** Axe on one cell's outputs (the box, pager and notes): no serious or critical violation. */
async function expectAccessible(page: Page, id: string) {
  const results = await new AxeBuilder({ page })
    .include(`section[data-cell-id="${id}"] [data-testid="cell-output"]`)
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const serious = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(
    serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
  ).toEqual([]);
}

/** What this browser keeps in IndexedDB: owner of every cell, output and outbox row. */
function storedOwners(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open("courses-progress");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const owners = async (name: string) => {
      const tx = db.transaction(name, "readonly");
      const rows = await new Promise<{ owner: string }[]>((resolve, reject) => {
        const req = tx.objectStore(name).getAll();
        req.onsuccess = () => resolve(req.result as { owner: string }[]);
        req.onerror = () => reject(req.error);
      });
      return rows.map((row) => row.owner);
    };
    const result = {
      cells: await owners("cells"),
      outputs: await owners("outputs"),
      outbox: await owners("outbox"),
    };
    db.close();
    return result;
  });
}

test("a 1,000-row Cypher result stays in its box and pages; it comes back after a reload until the lesson is reset", async ({
  page,
}) => {
  await openWithSavedEdit(page, CYPHER_LESSON, CYPHER_KEY, "find-keanu", THOUSAND_ROWS);
  const c = await run(page, "find-keanu", "Cypher");
  const box = c.getByTestId("output-box");
  const range = c.getByTestId("table-range");
  await expect(range).toHaveText("rows 1–50 of 1,000");
  await expect(c.locator("tbody tr")).toHaveCount(50);
  await expectBounded(page, box);
  // Before: this result made the cell 33,960 px tall.
  expect((await c.boundingBox())?.height ?? Infinity).toBeLessThan(1200);

  const next = c.getByRole("button", { name: "Next" });
  const previous = c.getByRole("button", { name: "Previous" });
  await expect(previous).toBeDisabled();
  await next.focus();
  await page.keyboard.press("Enter");
  await expect(range).toHaveText("rows 51–100 of 1,000");
  await expect(c.getByRole("cell", { name: "'row 51'", exact: true })).toBeVisible();

  const expand = c.getByRole("button", { name: "Expand output" });
  await expect(expand).toHaveAttribute("aria-expanded", "false");
  await expand.click();
  const collapse = c.getByRole("button", { name: "Collapse output" });
  await expect(collapse).toHaveAttribute("aria-expanded", "true");
  expect((await box.boundingBox())?.height ?? 0).toBeGreaterThan(page.viewportSize()!.height);
  await collapse.click();
  await expectBounded(page, box);
  await c.scrollIntoViewIfNeeded();
  await c.screenshot({ path: path.join(SHOTS, "output-paginated.png") });
  await expectAccessible(page, "find-keanu");

  // Reload: the result is back, marked as from an earlier run, and still pages.
  await page.reload();
  const restored = cell(page, "find-keanu");
  await restored.scrollIntoViewIfNeeded();
  await expect(restored.getByTestId("earlier-run")).toContainText("From an earlier run (today, ");
  await expect(restored.getByTestId("table-range")).toHaveText("rows 1–50 of 1,000");
  await restored.screenshot({ path: path.join(SHOTS, "output-restored.png") });
  await expectAccessible(page, "find-keanu");

  // Running again replaces the mark with this run's output.
  await run(page, "find-keanu", "Cypher");
  await expect(restored.getByTestId("earlier-run")).toHaveCount(0);

  // Reset lesson clears the outputs kept in this browser.
  await page.getByRole("button", { name: "Reset lesson…" }).click();
  await page.getByRole("button", { name: "Reset lesson", exact: true }).click();
  await expect(restored.getByTestId("cell-output")).toHaveCount(0);
  await expect.poll(async () => (await storedOwners(page)).outputs).toEqual([]);
  await page.reload();
  await expect(cell(page, "find-keanu").locator("[data-status]").first()).toBeVisible();
  await expect(cell(page, "find-keanu").getByTestId("cell-output")).toHaveCount(0);
});

test("a long print keeps its tail in view, with Show all for the rest", async ({ page }) => {
  await openWithSavedEdit(
    page,
    TENSORS_LESSON,
    TENSORS_KEY,
    "make-tensors",
    'for (let i = 0; i < 8000; i++) console.log("line " + i);',
  );
  const c = await run(page, "make-tensors", "TensorFlow.js");
  const box = c.getByTestId("output-box");
  await expectBounded(page, box);
  const text = c.locator("pre").last();
  await expect(text).toContainText("line 7999");
  await expect(text).not.toContainText(/(^|\s)line 0\s/);
  // The end is what shows in the box (it follows the output like a terminal).
  await expect
    .poll(() => box.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 4))
    .toBe(true);
  const showAll = c.getByRole("button", { name: /^Show all \(\d+ KB\)$/ });
  await expect(showAll).toBeVisible();
  await showAll.click();
  await expect(text).toContainText(/(^|\s)line 0\s/);
  await expectBounded(page, box);
});

test("signing out clears the learner's copy from this browser; signing in brings the edit back from the server", async ({
  page,
}) => {
  // Anonymous work in a lesson this learner never opens while signed in is not theirs: it must
  // survive their sign-out (work in a lesson they open signed in joins their account).
  await page.goto(OTHER_LESSON);
  await run(page, "old-movies", "Cypher");
  await expect.poll(async () => (await storedOwners(page)).outputs).toEqual(["anonymous"]);

  const email = uniqueEmail();
  await signUp(page, email, CYPHER_LESSON);
  const exercise = cell(page, "matrix-directors");
  await exercise.scrollIntoViewIfNeeded();
  await menuAction(exercise, "matrix-directors", "Show solution");
  await exercise.getByRole("button", { name: "Use this solution" }).click();
  await expect(exercise.getByText("edited", { exact: true })).toBeVisible();
  await run(page, "find-matrix", "Cypher");
  await expect(page.locator("[data-sync-state]")).toHaveAttribute("data-sync-state", "saved", {
    timeout: 30_000,
  });
  const signedIn = await storedOwners(page);
  expect(signedIn.cells.some((owner) => owner !== "anonymous")).toBe(true);

  // Offline, the last change cannot reach the server: the learner is asked, and may stay.
  await page.context().setOffline(true);
  await menuAction(exercise, "matrix-directors", "Reset to lesson code");
  await expect(exercise.getByText("edited", { exact: true })).toHaveCount(0);
  await expect(page.locator("[data-sync-state]")).toHaveAttribute("data-sync-state", "offline", {
    timeout: 20_000,
  });
  await page.getByRole("button", { name: "Sign out" }).click();
  const warning = page.getByRole("dialog", { name: "Not everything is saved to your account" });
  await expect(warning).toContainText("not saved to your account yet", { timeout: 20_000 });
  await warning.getByRole("button", { name: "Stay" }).click();
  await expect(warning).toBeHidden();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.context().setOffline(false);
  await menuAction(exercise, "matrix-directors", "Show solution");
  await exercise.getByRole("button", { name: "Use this solution" }).click();
  await expect(page.locator("[data-sync-state]")).toHaveAttribute("data-sync-state", "saved", {
    timeout: 60_000,
  });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(exercise.getByText("edited", { exact: true })).toHaveCount(0);
  await expect(cell(page, "find-matrix").getByTestId("cell-output")).toHaveCount(0);
  await expect(page.locator("[data-sync-state]")).toContainText(
    "Saved in this browser. Sign in to keep it everywhere.",
  );
  // Only the anonymous learner's copy is left (its run status and outputs in the other lesson).
  await expect
    .poll(async () => {
      const left = await storedOwners(page);
      return Object.values(left).every((owners) => owners.every((o) => o === "anonymous"))
        ? "only anonymous"
        : JSON.stringify(left);
    })
    .toBe("only anonymous");
  expect((await storedOwners(page)).outputs).toEqual(["anonymous"]);
  await page.reload();
  await expect(cell(page, "matrix-directors").locator("[data-status]").first()).toBeVisible();
  await expect(cell(page, "matrix-directors").getByText("edited", { exact: true })).toHaveCount(0);

  await page.goto(`/sign-in?next=${encodeURIComponent(CYPHER_LESSON)}`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("e2e-password-123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(CYPHER_LESSON);
  await expect(cell(page, "matrix-directors").getByText("edited", { exact: true })).toBeVisible({
    timeout: 30_000,
  });
});
