import { expect, type Page } from "@playwright/test";

/** Uses the lesson's own solution for a Cypher exercise, runs it and waits for the check to pass. */
export async function passCypherExercise(page: Page, cellId: string): Promise<void> {
  const cell = page.locator(`section[data-cell-id="${cellId}"]`);
  await cell.scrollIntoViewIfNeeded();
  await cell.getByLabel(`More actions for Cypher cell ${cellId}`).click();
  await cell.getByRole("button", { name: "Show solution" }).click();
  await cell.getByRole("button", { name: "Use this solution" }).click();
  await cell.getByRole("button", { name: `Run Cypher cell ${cellId}` }).click();
  await expect(cell.locator("[data-check]")).toHaveAttribute("data-check", "passed", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("lesson-complete")).toBeVisible();
}
