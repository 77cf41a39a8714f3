import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import type { TestMailServer } from "../lib/mail/testing";
import { signUp, uniqueEmail } from "./accounts";
import { resetTokenIn, startE2eMailServer } from "./mail";

// Forgot password with a real SMTP server in this process (the app server is started with
// SMTP_URL pointing at it, playwright.config.ts), then the account page: export and delete.

const PASSWORD = "e2e-password-123"; // e2e/accounts.ts signs up with this one
const NEW_PASSWORD = "a-new-e2e-password-456";
const LESSON_KEY = "sequence-models/forecasting/sine-wave-lstm";

let mail: TestMailServer;
test.beforeAll(async () => {
  mail = await startE2eMailServer();
});
test.afterAll(async () => {
  await mail?.close();
});

async function signInWith(page: Page, email: string, password: string) {
  await page.goto("/sign-in?next=/account");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("forgot password: the mailed link sets a new password; the old one stops working", async ({
  page,
  browser,
}) => {
  const email = uniqueEmail();
  await signUp(page, email);

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/sign-in");
  await visitor.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(visitor).toHaveURL("/forgot-password");
  await visitor.getByLabel("E-mail").fill(email);
  await visitor.getByRole("button", { name: "Send reset link" }).click();
  await expect(visitor.getByRole("status")).toContainText("If an account uses this e-mail address");

  const message = await mail.nextMessageTo(email, 20_000);
  expect(message.raw).toMatch(/^Subject: Reset your Courses password/m);
  const token = resetTokenIn(message.text);
  await visitor.goto(`/reset-password?token=${token}`);
  await visitor.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await visitor.getByLabel("Repeat the new password").fill(NEW_PASSWORD);
  await visitor.getByRole("button", { name: "Set new password" }).click();
  await expect(visitor.getByRole("status")).toContainText("Your password is changed");

  // The link works once.
  await visitor.goto(`/reset-password?token=${token}`);
  await expect(visitor.getByRole("main").getByRole("alert")).toContainText("already been used");

  // The session that existed before the reset is over.
  await page.goto("/account");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount|\/sign-in\?next=\/account/);

  // The new password first: a wrong one starts this address's sign-in back-off (1 s).
  await signInWith(visitor, email, NEW_PASSWORD);
  await expect(visitor).toHaveURL("/account");
  await expect(visitor.getByRole("heading", { name: "Your account" })).toBeVisible();
  const other = await (await browser.newContext()).newPage();
  await signInWith(other, email, PASSWORD);
  await expect(other.getByRole("main").getByRole("alert")).toContainText("do not match");
});

test("account page: export my data, then delete the account; signing in fails afterwards", async ({
  page,
}) => {
  const email = uniqueEmail();
  await signUp(page, email);
  const marker = `e2e_export_${Date.now().toString(36)}`;
  const status = await page.evaluate(
    async ({ lessonKey, marker }) =>
      (
        await fetch("/api/progress/sync", {
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
        })
      ).status,
    { lessonKey: LESSON_KEY, marker },
  );
  expect(status).toBe(200);

  // From the user menu to the account page.
  await page.getByRole("link", { name: "E2E Learner" }).click();
  await expect(page).toHaveURL("/account");
  await expect(page.getByText(email)).toBeVisible();
  const devices = page.getByRole("list", { name: "Signed-in devices" });
  await expect(devices.getByText("This device")).toBeVisible();

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export my data" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^courses-my-data-\d{4}-\d\d-\d\d\.json$/);
  const data = JSON.parse(await readFile((await download.path())!, "utf8"));
  expect(data.user.email).toBe(email);
  expect(data.cellStates).toEqual([
    expect.objectContaining({ lessonKey: LESSON_KEY, cellId: "make-series", code: `// ${marker}` }),
  ]);
  expect(data.lessonProgress).toEqual([expect.objectContaining({ lessonKey: LESSON_KEY })]);
  expect(data.exerciseAttempts).toEqual([]);

  await page.getByLabel("Your password, to confirm").fill("not-the-password");
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toContainText(
    "That password is not right",
  );

  await page.getByLabel("Your password, to confirm").fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL("/?account=deleted");
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  await signInWith(page, email, PASSWORD);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("do not match");
});

/** Presses Tab until `target` has focus (at most `limit` times); fails if it never does. */
async function tabTo(page: Page, target: ReturnType<Page["locator"]>, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}

test("account page by keyboard only: change the password, with a visible focus ring", async ({
  page,
}) => {
  const email = uniqueEmail();
  await signUp(page, email);
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();

  const password = page.getByRole("region", { name: "Change password" });
  await tabTo(page, password.getByLabel("Current password"));
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Tab");
  await expect(password.getByLabel("New password")).toBeFocused();
  await page.keyboard.type(NEW_PASSWORD);
  await page.keyboard.press("Tab");
  const submit = password.getByRole("button", { name: "Change password" });
  await expect(submit).toBeFocused();
  // The focused button shows where the keyboard is (an outline that is not "none").
  expect(await submit.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(password.getByRole("status")).toContainText("Password changed");

  // "Export my data" is reachable and works from the keyboard too.
  const exportButton = page.getByRole("button", { name: "Export my data" });
  await tabTo(page, exportButton);
  const downloading = page.waitForEvent("download");
  await page.keyboard.press("Enter");
  expect((await downloading).suggestedFilename()).toMatch(/^courses-my-data-/);
});
