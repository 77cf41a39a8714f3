import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { openWithSavedEdit } from "./seed-progress";

/**
 * Errors that point at the cause (issue 17), on real lessons: a failed exercise check reads as
 * failed and in the check's own words, never citing the hidden check's lines; a cell that fails
 * because of a cell above names and links that cell; a Cypher timeout in one cell is not
 * reported as a timeout of the cells below.
 */
const WINDOWS_LESSON = "/learn/sequence-models/time-series/windows-and-splits";
const WINDOWS_KEY = "sequence-models/time-series/windows-and-splits";
const SAVING_LESSON = "/learn/sequence-models/beyond-one-step/saving-and-loading";
const CYPHER_LESSON = "/learn/graph-queries/first-queries/match-and-return";
const CYPHER_KEY = "graph-queries/first-queries/match-and-return";

// A known wrong answer from the lesson (its `wrong` block): the target is the window's last value.
const WRONG_MAKE_WINDOWS = `function makeWindows(values, steps) {
  const xs = [];
  const ys = [];
  for (let i = 0; i + steps < values.length; i++) {
    xs.push(values.slice(i, i + steps).map((v) => [v]));
    ys.push([values[i + steps - 1]]);
  }
  return { xs: tf.tensor3d(xs, [xs.length, steps, 1]), ys: tf.tensor2d(ys, [ys.length, 1]) };
}`;

// Four people × four people × … over the movies graph: far beyond the 5 s transaction timeout.
const SLOW_CYPHER =
  "MATCH (a:Person), (b:Person), (c:Person), (d:Person) WHERE a.born + b.born + c.born + d.born < 0 RETURN count(*) AS n";

const cell = (page: Page, id: string) => page.locator(`section[data-cell-id="${id}"]`);
const status = (page: Page, id: string) => cell(page, id).locator("[data-status]").first();

test("a wrong tfjs answer shows “Check failed” in the check's words, without hidden lines", async ({
  page,
}) => {
  await openWithSavedEdit(page, WINDOWS_LESSON, WINDOWS_KEY, "make-windows", WRONG_MAKE_WINDOWS);
  const exercise = cell(page, "make-windows");
  await exercise.scrollIntoViewIfNeeded();
  await exercise.getByRole("button", { name: "Run TensorFlow.js cell make-windows" }).click();
  await expect(status(page, "make-windows")).toHaveAttribute("data-status", "check-failed", {
    timeout: 60_000,
  });
  await expect(status(page, "make-windows")).toHaveText(/Check failed/);
  await expect(status(page, "make-windows")).not.toHaveText(/Done/);
  const verdict = exercise.locator("[data-check]");
  await expect(verdict).toHaveAttribute("data-check", "failed");
  // The check's own message, in learner terms…
  await expect(verdict).toContainText("Check failed: the targets are wrong: [[7],[8],[9],[10]]");
  // …and no position in (or error box from) the hidden check code.
  const output = exercise.getByTestId("cell-output");
  await expect(output).not.toContainText(/line \d+|column \d+/);
  await expect(output.getByRole("alert")).toHaveCount(0);
  await expect(exercise.getByTestId("failure-cause")).toHaveCount(0);

  const axe = await new AxeBuilder({ page }).include('[data-cell-id="make-windows"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await exercise.screenshot({ path: "docs/screenshots/check-failed.png" });
  await page.emulateMedia({ colorScheme: "dark" });
  const darkAxe = await new AxeBuilder({ page }).include('[data-cell-id="make-windows"]').analyze();
  expect(darkAxe.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await exercise.screenshot({ path: "docs/screenshots/check-failed-dark.png" });
});

test("Run all with an unsolved exercise above names and links that cell", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(SAVING_LESSON);
  await page
    .getByRole("toolbar", { name: "Notebook" })
    .getByRole("button", { name: /Run all/ })
    .click();
  // "round-trip" is left as the lesson ships it (restored = null): its check fails, and the
  // cells that use `restored` fail with a raw library error.
  await expect(status(page, "round-trip")).toHaveAttribute("data-status", "check-failed", {
    timeout: 180_000,
  });
  await expect(status(page, "compare")).toHaveAttribute("data-status", "error", {
    timeout: 60_000,
  });
  const compare = cell(page, "compare");
  const cause = compare.getByTestId("failure-cause");
  await expect(cause).toHaveText(
    "This cell needs round-trip above, whose check has not passed yet — solve it first.",
  );
  const link = cause.getByRole("link", { name: "round-trip" });
  await expect(link).toHaveAttribute("href", "#cell-round-trip");
  // The exercise below that uses `restored` too is blamed on the same cell; earlier ones are not.
  await expect(status(page, "forecast-raw")).toHaveAttribute("data-status", "error", {
    timeout: 60_000,
  });
  await expect(cell(page, "forecast-raw").getByTestId("failure-cause")).toHaveAttribute(
    "data-cause-cell",
    "round-trip",
  );
  await expect(cell(page, "train").getByTestId("failure-cause")).toHaveCount(0);
  await compare.scrollIntoViewIfNeeded();
  await compare.screenshot({ path: "docs/screenshots/failure-cause.png" });
  await link.click();
  await expect(page).toHaveURL(/#cell-round-trip$/);
  await expect(cell(page, "round-trip")).toBeInViewport();
});

test("a Cypher cell that times out is named by the cells below, which do not time out themselves", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openWithSavedEdit(page, CYPHER_LESSON, CYPHER_KEY, "find-keanu", SLOW_CYPHER);
  const below = cell(page, "find-matrix");
  await below.scrollIntoViewIfNeeded();
  await below.getByRole("button", { name: "Run Cypher cell find-matrix" }).click();
  await expect(status(page, "find-matrix")).toHaveAttribute("data-status", "error", {
    timeout: 60_000,
  });
  await expect(below.getByTestId("failure-cause")).toHaveText(
    "This cell needs find-keanu above, which took too long and was stopped — fix it first.",
  );
  await expect(below.getByRole("link", { name: "find-keanu" })).toHaveAttribute(
    "href",
    "#cell-find-keanu",
  );
  const alert = below.getByRole("alert");
  await expect(alert).toContainText('The Cypher cell "find-keanu" above took longer than');
  await expect(alert.locator("strong")).not.toHaveText("Timeout");

  // The slow cell itself reports its own timeout, with nobody above to blame.
  const slow = cell(page, "find-keanu");
  await slow.getByRole("button", { name: "Run Cypher cell find-keanu" }).click();
  await expect(status(page, "find-keanu")).toHaveAttribute("data-status", "error", {
    timeout: 60_000,
  });
  await expect(slow.getByRole("alert").locator("strong")).toHaveText("Timeout");
  await expect(slow.getByTestId("failure-cause")).toHaveCount(0);
});

test("a passed Cypher check reads as a pass", async ({ page }) => {
  await page.goto(CYPHER_LESSON);
  const exercise = cell(page, "matrix-directors");
  await exercise.scrollIntoViewIfNeeded();
  await exercise.getByLabel("More actions for Cypher cell matrix-directors").click();
  await exercise.getByRole("button", { name: "Show solution" }).click();
  await exercise.getByRole("button", { name: "Use this solution" }).click();
  await exercise.getByRole("button", { name: "Run Cypher cell matrix-directors" }).click();
  await expect(status(page, "matrix-directors")).toHaveAttribute("data-status", "done", {
    timeout: 60_000,
  });
  const verdict = exercise.locator("[data-check]");
  await expect(verdict).toHaveAttribute("data-check", "passed");
  await expect(verdict).toContainText("✓ Check passed: Right: The Matrix had 2 directors.");
  await expect(exercise.getByRole("alert")).toHaveCount(0);
});
