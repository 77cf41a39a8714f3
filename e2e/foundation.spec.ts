import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { loadEditor } from "./editor";

const LESSON = "/learn/sequence-models/forecasting/sine-wave-lstm";

function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
  });
  return errors;
}

test("the catalogue lists tracks, chapters and lessons", async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Learn by running real code");
  for (const track of ["Sequence models with TensorFlow.js", "Graph queries with Cypher", "Rust"]) {
    await expect(page.getByRole("heading", { level: 2, name: track })).toBeVisible();
  }
  await page.getByRole("link", { name: "LSTMs: gates and a cell state" }).click();
  await expect(page).toHaveURL(LESSON);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("LSTMs: gates and a cell state");
  expect(errors).toEqual([]);
});

test("a lesson has its chapter sidebar, on-page contents and highlighted cells in the HTML", async ({
  page,
  request,
}) => {
  const html = await (await request.get(LESSON)).text();
  expect(html).toContain('class="shiki');
  expect(html).toContain("tf.layers.lstm");
  await page.goto(LESSON);
  const sidebar = page.getByRole("navigation", { name: "Chapters and lessons" });
  await expect(
    sidebar.getByRole("link", { name: "LSTMs: gates and a cell state" }),
  ).toHaveAttribute("aria-current", "page");
  const toc = page.getByRole("complementary", { name: "On this page" });
  await toc.getByRole("link", { name: "The model" }).click();
  await expect(page).toHaveURL(/#the-model$/);
});

test("edits made in Monaco survive a reload and reset restores the lesson code", async ({
  page,
}) => {
  const errors = collectConsoleErrors(page);
  await page.goto(LESSON);
  const cell = page.locator('[data-cell-id="build-model"]');
  // The editor starts as highlighted HTML and becomes Monaco when the pointer rests on it.
  await expect(cell.locator('[data-editor-state="static"]')).toBeVisible();
  await loadEditor(page, cell);
  const editor = cell.locator(".monaco-editor");
  await editor.locator(".view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("\n// my note: 32 units is plenty");
  await expect(cell.getByText("edited")).toBeVisible();
  // Not signed in: the indicator says the work stays in this browser, never "saved".
  await expect(page.locator("[data-sync-state]")).toHaveAttribute("data-sync-state", "local");
  await expect(page.locator("[data-sync-state]")).toContainText(
    "Saved in this browser. Sign in to keep it everywhere.",
  );
  await page.reload();
  const reloaded = page.locator('[data-cell-id="build-model"]');
  await expect(reloaded).toContainText("// my note: 32 units is plenty");
  await reloaded.locator("summary").click();
  await reloaded.getByRole("button", { name: "Reset to lesson code" }).click();
  await expect(reloaded).not.toContainText("my note");
  await page.reload();
  await expect(page.locator('[data-cell-id="build-model"]')).not.toContainText("my note");
  expect(errors).toEqual([]);
});

test("exercises reveal hints one at a time", async ({ page }) => {
  await page.goto(LESSON);
  const exercise = page.locator('[data-cell-id="mae"]');
  await expect(exercise.getByText("Exercise")).toBeVisible();
  await exercise.getByRole("button", { name: "Show hint 1 of 2" }).click();
  await expect(exercise.getByText("Hint 1.")).toBeVisible();
  await expect(exercise.getByText("Hint 2.")).toHaveCount(0);
  await exercise.getByRole("button", { name: "Show hint 2 of 2" }).click();
  await expect(exercise.getByText("Hint 2.")).toBeVisible();
});

test("unknown addresses get a real 404 page", async ({ page }) => {
  const response = await page.goto("/learn/no-such/track/here");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  const other = await page.goto("/definitely-not-a-page");
  expect(other?.status()).toBe(404);
});

test("pages send security headers", async ({ request }) => {
  const response = await request.get(LESSON);
  const headers = response.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain("'unsafe-eval'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  // Cross-origin isolated, so Interrupt can keep the kernel's state (e2e/interrupt.spec.ts).
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  expect(headers["cross-origin-embedder-policy"]).toBe("require-corp");
});

for (const scheme of ["light", "dark"] as const) {
  test(`no serious accessibility violations (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    for (const url of [
      "/",
      LESSON,
      "/learn/graph-queries/first-queries/match-and-return",
      "/learn/rust/ownership/moves-and-borrows",
    ]) {
      await page.goto(url);
      await page.waitForLoadState("networkidle");
      const results = await new AxeBuilder({ page })
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      const serious = results.violations.filter(
        (v) => v.impact === "serious" || v.impact === "critical",
      );
      expect(
        serious.map(
          (v) =>
            `${url}: ${v.id} ${v.nodes
              .map((n) => n.target.join(" "))
              .slice(0, 3)
              .join(", ")}`,
        ),
      ).toEqual([]);
    }
  });
}

test("the lesson is usable from the keyboard", async ({ page }) => {
  await page.goto(LESSON);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main"))
    .toBeFocused()
    .catch(() => undefined);
  // Tab through the page until the first cell's code has focus: the editor loads and takes it.
  const code = page.locator('[data-cell-id="gates-layer"] [data-editor-state]');
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (await code.evaluate((el) => el.contains(document.activeElement))) break;
  }
  await expect(code).toHaveAttribute("data-editor-state", "ready");
  await expect(
    code.locator(".monaco-editor textarea, .monaco-editor .native-edit-context").first(),
  ).toBeFocused();
});
