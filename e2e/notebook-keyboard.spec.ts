import { expect, test, type Locator, type Page } from "@playwright/test";
import { cellById, monacoText, staticCode, waitForEditorHydration } from "./editor";

// Keyboard in the notebook (issue 17): Shift+Enter runs the cell whose editor has focus and moves
// on, Ctrl+Enter runs and stays, Esc leaves the editor for the cell, `?` lists the shortcuts.

const CYPHER_LESSON = "/learn/graph-queries/first-queries/match-and-return";
const LSTM_LESSON = "/learn/sequence-models/forecasting/sine-wave-lstm";

const status = (cell: Locator) => cell.locator("[data-status]").first();
const focusIsIn = (locator: Locator) =>
  locator.evaluate((element) => element.contains(document.activeElement));

/** Clicks into the cell's code and waits for Monaco to hold the caret. */
async function editCell(page: Page, id: string): Promise<Locator> {
  const cell = cellById(page, id);
  await cell.scrollIntoViewIfNeeded();
  await waitForEditorHydration(page, id);
  await staticCode(cell).click();
  await expect(cell.locator('[data-editor-state="ready"]')).toBeVisible({ timeout: 60_000 });
  await expect(cell.locator(".monaco-editor textarea.inputarea")).toBeFocused();
  return cell;
}

test("Shift+Enter runs the Cypher cell with the caret and moves to the next cell", async ({
  page,
}) => {
  await page.goto(CYPHER_LESSON);
  const keanu = await editCell(page, "find-keanu");
  const matrix = cellById(page, "find-matrix");
  await page.keyboard.press("Shift+Enter");
  await expect(status(keanu)).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(keanu.getByRole("table")).toContainText("Keanu Reeves");
  // The other cell did not run; the caret moved to its editor.
  await expect(status(matrix)).toHaveAttribute("data-status", "idle");
  await expect(matrix.locator('[data-editor-state="ready"]')).toBeVisible({ timeout: 60_000 });
  await expect(matrix.locator(".monaco-editor textarea.inputarea")).toBeFocused();
  await expect(matrix).toBeInViewport();
  expect(await monacoText(keanu)).not.toMatch(/\n\s*\n\s*$/); // Shift+Enter typed no new line

  // Ctrl+Enter runs the cell and stays in it.
  await page.keyboard.press("Control+Enter");
  await expect(status(matrix)).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(matrix.getByRole("table")).toContainText("The Matrix");
  await expect(matrix.locator(".monaco-editor textarea.inputarea")).toBeFocused();
  await expect(status(cellById(page, "keanu-movies"))).toHaveAttribute("data-status", "idle");
});

test("Shift+Enter on the LSTM lesson's setup cells runs make-series, not make-windows", async ({
  page,
}) => {
  await page.goto(LSTM_LESSON);
  const series = cellById(page, "make-series");
  const windows = cellById(page, "make-windows");
  for (const cell of [series, windows]) {
    await cell.getByRole("button", { name: "Show setup code" }).click();
  }
  await editCell(page, "make-series");
  await page.keyboard.press("Shift+Enter");
  await expect(status(series)).toHaveAttribute("data-status", /queued|running|done/);
  await expect(windows.locator('[data-editor-state="ready"]')).toBeVisible({ timeout: 60_000 });
  await expect(windows.locator(".monaco-editor textarea.inputarea")).toBeFocused();
  await expect(status(series)).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  await expect(status(windows)).toHaveAttribute("data-status", "idle");

  // Ctrl+Enter in make-windows runs it (its input exists now) and keeps the caret there.
  await page.keyboard.press("Control+Enter");
  await expect(status(windows)).toHaveAttribute("data-status", "done", { timeout: 90_000 });
  await expect(windows).toContainText(/validation/);
  await expect(windows.locator(".monaco-editor textarea.inputarea")).toBeFocused();
  await expect(status(cellById(page, "build-model"))).toHaveAttribute("data-status", "idle");
});

test("Shift+Enter works on a cell whose editor has not loaded yet", async ({ page }) => {
  await page.goto(CYPHER_LESSON);
  const keanu = cellById(page, "find-keanu");
  await waitForEditorHydration(page, "find-keanu");
  await staticCode(keanu).focus();
  await page.keyboard.press("Shift+Enter");
  await expect(status(keanu)).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  await expect(status(cellById(page, "find-matrix"))).toHaveAttribute("data-status", "idle");
  await expect(
    cellById(page, "find-matrix").locator(".monaco-editor textarea.inputarea"),
  ).toBeFocused({
    timeout: 60_000,
  });
});

test("keys typed while the editor loads are kept", async ({ page }) => {
  await page.goto(CYPHER_LESSON);
  const keanu = cellById(page, "find-keanu");
  await waitForEditorHydration(page, "find-keanu");
  await staticCode(keanu).focus();
  // Straight away: Monaco is still loading (its chunk is not even downloaded yet).
  await page.keyboard.type("// typed early", { delay: 5 });
  await page.keyboard.press("Enter");
  await expect(keanu.locator('[data-editor-state="ready"]')).toBeVisible({ timeout: 60_000 });
  await page.keyboard.type("// then");
  await expect
    .poll(() => monacoText(keanu))
    .toMatch(/^\/\/ typed early\n\/\/ thenMATCH \(p:Person/);
  await expect(keanu.getByText("edited")).toBeVisible();
});

test("Esc leaves the editor for the cell, Tab moves on, Enter goes back in", async ({ page }) => {
  await page.goto(CYPHER_LESSON);
  const keanu = await editCell(page, "find-keanu");
  // Esc first closes an open editor widget (find), and only then leaves the editor.
  await page.keyboard.press("Control+F");
  await expect(keanu.locator(".find-widget.visible")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(keanu.locator(".find-widget.visible")).toHaveCount(0);
  await expect(keanu.locator(".monaco-editor textarea.inputarea")).toBeFocused();

  await page.keyboard.press("Escape");
  await expect(keanu).toBeFocused();
  expect(await keanu.evaluate((el) => el.matches(":focus-visible"))).toBe(true);
  const outline = await keanu.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  // The focus ring is drawn outside the cell's box: take a margin around it.
  const box = await keanu.boundingBox();
  if (!box) throw new Error("the cell has no box");
  await page.screenshot({
    path: "docs/screenshots/cell-focused.png",
    clip: { x: box.x - 12, y: box.y - 12, width: box.width + 24, height: box.height + 24 },
  });

  await page.keyboard.press("Enter");
  await expect(keanu.locator(".monaco-editor textarea.inputarea")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(keanu).toBeFocused();

  // Tab moves past the code: out of this cell's editor, to what follows it.
  await page.keyboard.press("Tab");
  const editorHolder = keanu.locator("[data-editor-state]");
  expect(await focusIsIn(editorHolder)).toBe(false);
  const after = await page.evaluate(() => {
    const active = document.activeElement;
    const holder = document.querySelector('[data-cell-id="find-keanu"] [data-editor-state]');
    return (
      !!active &&
      !!holder &&
      (holder.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0
    );
  });
  expect(after).toBe(true);
});

test("? opens the shortcuts dialog, Esc closes it and focus returns", async ({ page }) => {
  await page.goto(CYPHER_LESSON);
  const button = page.getByRole("button", { name: /shortcuts/ });
  await expect(page.getByRole("toolbar", { name: "Notebook" })).toContainText(
    "Shift+Enter run · Esc leave editor · ? shortcuts",
  );
  await waitForEditorHydration(page, "find-keanu");
  await button.focus();
  await page.keyboard.press("Escape"); // nothing open: nothing happens
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Run the cell and move to the next cell");
  await expect(dialog).toContainText("Leave the editor");
  await page.screenshot({ path: "docs/screenshots/shortcuts-dialog.png" });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(button).toBeFocused();

  // The button opens it too; `?` typed into code is code, not a shortcut.
  await button.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
  const keanu = await editCell(page, "find-keanu");
  await page.keyboard.type("?");
  await expect(dialog).toBeHidden();
  await expect.poll(() => monacoText(keanu)).toContain("?");
});
