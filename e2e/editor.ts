import { expect, type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "./throttle";

/** Helpers for the code editors: static highlighted view first, Monaco on intent. */

export const cellById = (page: Page, id: string) => page.locator(`section[data-cell-id="${id}"]`);

/** The static view of a cell's code (before Monaco loads). */
export const staticCode = (cell: Locator) =>
  cell.locator('[data-editor-state="static"] > [role="textbox"]');

/** Waits until the cell's static view has React's handlers (a click before that is lost). */
export async function waitForEditorHydration(page: Page, cellId: string): Promise<void> {
  await waitForHydration(
    page,
    `section[data-cell-id="${cellId}"] [data-editor-state] > [role="textbox"]`,
  );
}

/** The text Monaco shows (its rendered lines, spaces normalised). */
export async function monacoText(cell: Locator): Promise<string> {
  const text = await cell.locator(".monaco-editor .view-lines").innerText();
  return text.replace(/\u00a0/g, " ");
}

/**
 * Clicks the static view just inside the left edge of the first `word` in the cell's code, so
 * the caret belongs right before it. Returns the point clicked.
 */
export async function clickBeforeWord(page: Page, cell: Locator, word: string) {
  const view = staticCode(cell);
  await expect(view).toBeVisible();
  const point = await view.evaluate((root, w) => {
    const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const index = node.textContent?.indexOf(w) ?? -1;
      if (index < 0) continue;
      const range = root.ownerDocument.createRange();
      range.setStart(node, index);
      range.setEnd(node, index + 1);
      const rect = range.getBoundingClientRect();
      return { x: rect.left + Math.min(2, rect.width / 4), y: rect.top + rect.height / 2 };
    }
    return null;
  }, word);
  if (!point) throw new Error(`"${word}" is not in one text node of the cell's code`);
  await page.mouse.click(point.x, point.y);
  return point;
}

/**
 * Loads the cell's Monaco editor the way a learner does, by resting the pointer on the code
 * (Monaco no longer loads because a cell is in view). Retries the hover: one made before React
 * has hydrated the cell is not seen.
 */
export async function loadEditor(page: Page, cell: Locator, timeout = 60_000): Promise<void> {
  const ready = cell.locator('[data-editor-state="ready"]');
  await expect(async () => {
    if ((await ready.count()) > 0) return;
    await page.mouse.move(0, 0);
    await cell.locator("[data-editor-state]").hover();
    await expect(ready).toBeVisible({ timeout: 15_000 });
  }).toPass({ timeout });
}
