import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { openWithSavedEdit } from "./seed-progress";

// The Cypher lessons on parameters and on plans: `:param` lines in a cell, and the EXPLAIN /
// PROFILE operator tree under a result, in the browser against the production server.

const PARAMETERS_LESSON = "/learn/graph-queries/changing-the-graph/parameters";
const PLANS_LESSON = "/learn/graph-queries/performance/explain-profile-and-indexes";

const cell = (page: Page, id: string) => page.locator(`section[data-cell-id="${id}"]`);

async function run(page: Page, id: string, expected: "done" | "error" = "done") {
  const c = cell(page, id);
  await c.scrollIntoViewIfNeeded();
  await c.getByRole("button", { name: `Run Cypher cell ${id}` }).click();
  await expect(c.locator("[data-status]").first()).toHaveAttribute("data-status", expected, {
    timeout: 60_000,
  });
  return c;
}

test("a cell's :param value reaches the query as a parameter", async ({ page }) => {
  await openWithSavedEdit(
    page,
    PARAMETERS_LESSON,
    "graph-queries/changing-the-graph/parameters",
    "actor-param",
    ':param actor => "Meg Ryan"\nMATCH (p:Person {name: $actor})\nRETURN p.name AS name, p.born AS born',
  );
  const c = await run(page, "actor-param");
  const table = c.getByRole("table");
  await expect(table.getByRole("cell", { name: "Meg Ryan" })).toBeVisible();
  await expect(table.getByRole("cell", { name: "1961" })).toBeVisible();
  await expect(table.getByRole("row")).toHaveCount(2); // header + the one row for $actor
});

test("a missing parameter says how to set it", async ({ page }) => {
  await openWithSavedEdit(
    page,
    PARAMETERS_LESSON,
    "graph-queries/changing-the-graph/parameters",
    "actor-param",
    "MATCH (p:Person {name: $who}) RETURN p",
  );
  const c = await run(page, "actor-param", "error");
  await expect(c.getByRole("alert")).toContainText("ParameterMissing");
  await expect(c.getByRole("alert")).toContainText(":param who =>");
});

test("PROFILE shows the operator tree with db hits, and an index turns the scan into a seek", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(PLANS_LESSON);

  const scan = await run(page, "profile-hanks");
  await expect(scan.getByRole("table")).toContainText("Cast Away");
  const scanPlan = scan.getByTestId("plan-output");
  await expect(scanPlan).toContainText("PROFILE plan");
  const tree = scanPlan.getByRole("list", { name: "PROFILE operator tree" });
  await expect(tree).toContainText("ProduceResults");
  await expect(tree).toContainText("NodeByLabelScan");
  await expect(tree).toContainText(/rows \d+ · db hits \d+/);
  const scanHits = Number(
    (await scanPlan.getByTestId("plan-total-db-hits").innerText()).replace(/\D/g, ""),
  );

  const seek = await run(page, "index-hanks");
  const seekPlan = seek.getByTestId("plan-output");
  await expect(seekPlan).toContainText("NodeIndexSeek");
  await expect(seekPlan).not.toContainText("NodeByLabelScan");
  const seekHits = Number(
    (await seekPlan.getByTestId("plan-total-db-hits").innerText()).replace(/\D/g, ""),
  );
  expect(seekHits).toBeGreaterThan(0);
  expect(seekHits).toBeLessThan(scanHits / 5);

  const explain = await run(page, "explain-hanks");
  await expect(explain.getByTestId("plan-output")).toContainText("EXPLAIN plan");
  await expect(explain.getByRole("table")).toHaveCount(0);

  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const axe = await new AxeBuilder({ page })
      .include('[data-cell-id="profile-hanks"] [data-testid="plan-output"]')
      .analyze();
    expect(axe.violations.map((v) => `${scheme} ${v.id}: ${v.help}`)).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
  await scanPlan.scrollIntoViewIfNeeded();
  await scan.screenshot({ path: "docs/screenshots/cypher-profile.png" });
  expect(errors).toEqual([]);
});
