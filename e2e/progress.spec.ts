import { expect, test, type Browser, type Page } from "@playwright/test";
import { signInFreshContext, signUp, uniqueEmail } from "./accounts";
import { CPU_THROTTLE_RATE, throttleCpu } from "./throttle";
import { loadEditor } from "./editor";

// Accounts and progress, end to end in Chromium against the production server:
// sign up → edit → sign out → sign in from a new browser context → find the edit.

const LESSON_PATH = "/learn/sequence-models/forecasting/sine-wave-lstm";
const LESSON_KEY = "sequence-models/forecasting/sine-wave-lstm";
test("sign-in shows a clear error for a wrong password and the form is labelled", async ({
  page,
}) => {
  const email = uniqueEmail();
  await signUp(page, email);
  await page.context().clearCookies();
  await page.goto("/sign-in");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "That e-mail and password do not match an account.",
  );
});

test("progress saved from one browser is there after signing in from another (API through the browser's cookies)", async ({
  page,
  browser,
}) => {
  const email = uniqueEmail();
  await signUp(page, email);
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name.endsWith("session_token"));
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");

  const marker = `e2e_${Date.now().toString(36)}`;
  const sent = await page.evaluate(
    async ({ lessonKey, marker }) => {
      const response = await fetch("/api/progress/sync", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          mutations: [
            {
              id: crypto.randomUUID(),
              kind: "code",
              lessonKey,
              cellId: "make-series",
              clientVersion: 0,
              at: Date.now(),
              payload: { code: `// ${marker}`, lessonCodeHash: "e2e" },
            },
            {
              id: crypto.randomUUID(),
              kind: "lesson",
              lessonKey,
              cellId: "make-series",
              clientVersion: 0,
              at: Date.now(),
              payload: { event: "visit" },
            },
          ],
        }),
      });
      return {
        status: response.status,
        serverTiming: response.headers.get("server-timing"),
        nosniff: response.headers.get("x-content-type-options"),
      };
    },
    { lessonKey: LESSON_KEY, marker },
  );
  expect(sent.status).toBe(200);
  // Our server answered it directly (lib/http/direct-routes.ts), with next.config's headers.
  expect(sent.serverTiming).toMatch(/^app;dur=/);
  expect(sent.nosniff).toBe("nosniff");

  const other = await signInFreshContext(browser, email, "/");
  const progress = await other.evaluate(
    async (lessonKey) =>
      (await fetch(`/api/progress?lesson=${encodeURIComponent(lessonKey)}`)).json(),
    LESSON_KEY,
  );
  expect(progress.cells).toEqual([
    expect.objectContaining({ cellId: "make-series", code: `// ${marker}` }),
  ]);
  expect(progress.lesson.lastCellId).toBe("make-series");
  await other.context().close();
});

test("a beacon (as sent when the page is hidden) is accepted and saved", async ({ page }) => {
  await signUp(page, uniqueEmail());
  const marker = `e2e_beacon_${Date.now().toString(36)}`;
  const queued = await page.evaluate(
    ({ lessonKey, marker }) => {
      const body = JSON.stringify({
        mutations: [
          {
            id: crypto.randomUUID(),
            kind: "code",
            lessonKey,
            cellId: "evaluate",
            clientVersion: 0,
            at: Date.now(),
            payload: { code: marker, lessonCodeHash: "e2e" },
          },
        ],
      });
      return navigator.sendBeacon(
        "/api/progress/sync",
        new Blob([body], { type: "text/plain;charset=UTF-8" }),
      );
    },
    { lessonKey: LESSON_KEY, marker },
  );
  expect(queued).toBe(true);
  await expect(async () => {
    const progress = await page.evaluate(
      async (lessonKey) =>
        (await fetch(`/api/progress?lesson=${encodeURIComponent(lessonKey)}`)).json(),
      LESSON_KEY,
    );
    expect(progress.cells).toEqual([expect.objectContaining({ cellId: "evaluate", code: marker })]);
  }).toPass({ timeout: 10_000 });
});

const EDIT_TITLE = "an edit in the notebook follows the learner to a new browser context";

/**
 * Type in a cell, see `saved` and check the server really has it (saved means durable), type
 * again and sign out at once (sign-out sends the debounced edit first), then find both edits
 * in a new browser context. `rate` > 1 throttles the editing page's CPU (e2e/throttle.ts).
 */
async function editFollowsLearner(page: Page, browser: Browser, rate: number) {
  if (rate > 1) await throttleCpu(page, rate);
  const email = uniqueEmail();
  await signUp(page, email, LESSON_PATH);
  const cell = page.locator("section[data-cell-id]").first();
  const cellId = await cell.getAttribute("data-cell-id");
  expect(cellId).toBeTruthy();
  // The editor starts as highlighted HTML and becomes Monaco when the pointer rests on it
  // (the same steps as the foundation spec).
  await loadEditor(page, cell);
  await cell.locator(".monaco-editor .view-lines").click();
  const marker = `e2e_edit_${Date.now().toString(36)}`;
  const synced = page.waitForResponse(
    (response) => response.url().includes("/api/progress/sync") && response.status() === 200,
    { timeout: 30_000 },
  );
  await page.keyboard.press("Control+End");
  await page.keyboard.type(`\n// ${marker}`, { delay: 40 });
  await synced;
  await expect(page.locator("[data-sync-state]")).toHaveAttribute("data-sync-state", "saved");
  // "saved" is a promise about the server, not about the outbox: the whole marker is there.
  const onServer = await page.evaluate(
    async (lessonKey) =>
      (await fetch(`/api/progress?lesson=${encodeURIComponent(lessonKey)}`)).json(),
    LESSON_KEY,
  );
  expect(onServer.cells).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ cellId, code: expect.stringContaining(`// ${marker}`) }),
    ]),
  );

  // The last keystrokes are still in the editor's debounce when the learner signs out.
  const last = `${marker}_last`;
  await page.keyboard.type(`\n// ${last}`, { delay: 40 });
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("banner").getByRole("link", { name: "Sign in" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.locator("[data-kept-changes]")).toHaveCount(0);

  const other = await signInFreshContext(browser, email, LESSON_PATH);
  // The restored cell shows the edit (Monaco renders only visible lines, so read its model
  // through the "edited" mark and the code text once the editor is ready).
  const restored = other.locator(`section[data-cell-id="${cellId}"]`);
  await expect(restored.getByText("edited")).toBeVisible({ timeout: 30_000 });
  await loadEditor(other, restored);
  await restored.locator(".monaco-editor .view-lines").click();
  await other.keyboard.press("Control+End");
  await expect(restored.locator(".monaco-editor .view-lines")).toContainText(last);
  await other.context().close();
}

test(EDIT_TITLE, async ({ page, browser }) => {
  await editFollowsLearner(page, browser, 1);
});

test(`${EDIT_TITLE} (CPU throttled ${CPU_THROTTLE_RATE}×)`, async ({ page, browser }) => {
  test.setTimeout(240_000);
  await editFollowsLearner(page, browser, CPU_THROTTLE_RATE);
});
