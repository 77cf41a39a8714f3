import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signUp, uniqueEmail } from "./accounts";
import { passCypherExercise } from "./exercise";

// Roles without SQL and classes, end to end against the production server: `npm run user:role`
// promotes a fresh account, which then reaches /instructor; the instructor creates a class, a
// learner joins by its link, passes an exercise and appears in that class's analytics (and not
// in another class's); a second instructor is refused the class; a revoked link stops working.
// The role command writes to the server's database, so this needs DATABASE_URL shared with it.

test.skip(!process.env.DATABASE_URL, "needs DATABASE_URL shared with the server for user:role");

const ROOT = path.resolve(import.meta.dirname, "..");
const LESSON = "/learn/graph-queries/first-queries/match-and-return";

/** `npm run user:role -- <email> <role>` as a person would run it (same script, same env). */
async function userRole(email: string, role: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/user-role.ts", email, role],
    { cwd: ROOT, env: process.env },
  );
  return stdout.trim();
}

/** A new browser context with a new account, promoted to instructor by the role command. */
async function newInstructor(browser: Browser): Promise<{ page: Page; email: string }> {
  const page = await (await browser.newContext()).newPage();
  const email = uniqueEmail();
  await signUp(page, email, "/");
  expect(await userRole(email, "instructor")).toBe(`${email} is now instructor (was learner).`);
  return { page, email };
}

async function createClass(page: Page, name: string): Promise<{ id: string; joinPath: string }> {
  await page.goto("/instructor/classes");
  const form = page.getByRole("form", { name: "New class" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Graph queries with Cypher").check();
  await form.getByRole("button", { name: "Create class" }).click();
  // The class page opens after the POST and its render: slow on a busy CI machine.
  await expect(page).toHaveURL(/\/instructor\/classes\/[^/]+$/, { timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
  const link = await page.getByTestId("join-link").inputValue();
  return { id, joinPath: new URL(link, "http://x").pathname };
}

test("user:role promotes; a class's learner shows in its analytics only; others are refused", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  // A learner account is refused /instructor until the role command promotes it.
  const { page: instructor, email: instructorEmail } = await newInstructor(browser);
  await instructor.goto("/instructor");
  await expect(instructor.getByRole("heading", { level: 1 })).toHaveText("Lessons");
  await expect(instructor.getByText(`Signed in as`)).toContainText("(instructor)");

  // No class yet: analytics say how to get learners instead of showing everyone's.
  await instructor.goto("/instructor/analytics");
  await expect(instructor.getByTestId("no-class-hint")).toBeVisible();

  const cls = await createClass(instructor, `Class ${Date.now().toString(36)}`);
  const other = await createClass(instructor, `Empty ${Date.now().toString(36)}`);
  await instructor.goto(`/instructor/classes/${cls.id}`);

  // The learner opens the link signed out, signs up, comes back and joins.
  const learner = await (await browser.newContext()).newPage();
  const learnerEmail = uniqueEmail();
  await learner.goto(cls.joinPath);
  await expect(learner).toHaveURL(/\/sign-in\?next=/);
  // The sign-up form's own "next": back to the join page once the account exists.
  await learner.goto(`/sign-up?next=${encodeURIComponent(cls.joinPath)}`);
  await learner.getByLabel("Name").fill("Class Learner");
  await learner.getByLabel("E-mail").fill(learnerEmail);
  await learner.getByLabel("Password").fill("e2e-password-123");
  await learner.getByRole("button", { name: "Create account" }).click();
  await expect(learner).toHaveURL(cls.joinPath, { timeout: 60_000 });
  await learner.getByRole("button", { name: /^Join Class / }).click();
  await expect(learner.getByRole("status")).toContainText("You joined Class");
  await learner.goto(LESSON);
  await passCypherExercise(learner, "matrix-directors");
  await expect(learner.locator("[data-sync-state]")).toHaveAttribute("data-sync-state", "saved", {
    timeout: 30_000,
  });

  // In this class's analytics and on its page; not in the other class's analytics.
  const recent = () => instructor.getByRole("region", { name: "Recently active learners" });
  await instructor.goto(`/instructor/analytics?class=${encodeURIComponent(cls.id)}`);
  await expect(recent()).toContainText(learnerEmail);
  await instructor.goto(`/instructor/analytics?class=${encodeURIComponent(other.id)}`);
  await expect(instructor.getByRole("heading", { level: 1 })).toHaveText("Analytics");
  await expect(recent()).not.toContainText(learnerEmail);
  await instructor.goto(`/instructor/classes/${cls.id}`);
  const row = instructor.locator(`tr[data-learner="${learnerEmail}"]`);
  await expect(row).toContainText("on track");
  await expect(row.getByRole("cell").first()).toHaveText(/^[1-9]\d*\/\d+$/);

  // A second instructor is refused the class, its analytics and its CSV.
  const { page: second } = await newInstructor(browser);
  await second.goto(`/instructor/classes/${cls.id}`);
  await expect(second.getByRole("heading", { level: 1 })).toHaveText("403 — not your class");
  await expect(second.getByText(learnerEmail)).toHaveCount(0);
  const csv = await second.request.get(
    `/instructor/analytics/export?kind=lessons&class=${encodeURIComponent(cls.id)}`,
  );
  expect(csv.status()).toBe(403);
  await second.goto("/instructor/analytics");
  await expect(second.getByText(learnerEmail)).toHaveCount(0);

  // Revoking the link: the old one says so, the new one is different.
  instructor.once("dialog", (dialog) => void dialog.accept());
  await instructor.getByRole("button", { name: "Revoke and make a new link" }).click();
  await expect(instructor.getByTestId("join-link")).not.toHaveValue(new RegExp(`${cls.joinPath}$`));
  await learner.goto(cls.joinPath);
  await expect(learner.getByRole("heading", { level: 1 })).toHaveText(
    "This join link is no longer valid",
  );

  // Roles: the promoted instructor is listed on the admin page with who promoted them.
  const admin = await newInstructor(browser);
  expect(await userRole(admin.email, "admin")).toBe(
    `${admin.email} is now admin (was instructor).`,
  );
  await admin.page.goto(`/admin/users?q=${encodeURIComponent(instructorEmail)}`);
  await expect(admin.page.locator(`tr[data-user="${instructorEmail}"]`)).toContainText(
    "instructor",
  );
  await expect(admin.page.getByRole("region", { name: "Role changes" })).toContainText(
    instructorEmail,
  );
  await expect(admin.page.getByRole("region", { name: "Role changes" })).toContainText("cli:");
});
