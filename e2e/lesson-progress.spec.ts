import { expect, test, type Page } from "@playwright/test";
import { signInFreshContext, signUp, uniqueEmail } from "./accounts";
import { passCypherExercise } from "./exercise";

// Where the learner is, end to end: passing a lesson's exercise completes it, the catalogue
// shows it (and the chapter's count), a reload resumes at the last cell, Reset lesson clears it —
// for an anonymous learner (this browser's copy) and across devices when signed in.

const LESSON = "/learn/graph-queries/first-queries/match-and-return";
const LESSON_KEY = "graph-queries/first-queries/match-and-return";
const EXERCISE = "matrix-directors";

const lessonRow = (page: Page) => page.locator(`li[data-lesson-key="${LESSON_KEY}"]`);
const chapterOf = (page: Page) => page.locator("h3", { hasText: /^First queries/ });

const passExercise = (page: Page) => passCypherExercise(page, EXERCISE);

test("passing the exercise completes the lesson; the catalogue shows it; reload resumes; Reset lesson clears it", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Learn by running real code" })).toBeVisible();
  await expect(lessonRow(page).locator("[data-progress]")).toHaveCount(0);

  await page.goto(LESSON);
  await expect(page.getByTestId("lesson-complete")).toHaveCount(0);
  await passExercise(page);

  // The catalogue: this lesson completed, its chapter 1 of 3.
  await page.goto("/");
  await expect(lessonRow(page).locator("[data-progress]")).toHaveAttribute(
    "data-progress",
    "completed",
  );
  await expect(chapterOf(page).locator("[data-chapter-progress]")).toHaveAttribute(
    "data-chapter-progress",
    "1/3",
  );
  await expect(chapterOf(page)).toContainText("1 of 3 completed");

  // Back to the lesson: it opens where the learner stopped, with the check still passed.
  await lessonRow(page).getByRole("link").click();
  await expect(page).toHaveURL(LESSON);
  const exercise = page.locator(`section[data-cell-id="${EXERCISE}"]`);
  await expect(exercise.getByTestId("resume-here")).toBeVisible();
  await expect(exercise).toBeInViewport();
  await expect(page.getByTestId("lesson-complete")).toBeVisible();

  // Reset lesson asks first; Cancel keeps everything.
  await page.getByRole("button", { name: "Reset lesson…" }).click();
  const dialog = page.getByRole("dialog", { name: "Reset this lesson?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("lesson-complete")).toBeVisible();

  await page.getByRole("button", { name: "Reset lesson…" }).click();
  await dialog.getByRole("button", { name: "Reset lesson" }).click();
  await expect(page.getByTestId("lesson-complete")).toHaveCount(0);
  await expect(exercise).toContainText("m.title AS director"); // the lesson's starting code again
  await expect(exercise.getByTestId("resume-here")).toHaveCount(0);

  await page.reload();
  await expect(page.locator(`section[data-cell-id="${EXERCISE}"]`)).toContainText(
    "m.title AS director",
  );
  await expect(page.getByTestId("lesson-complete")).toHaveCount(0);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Learn by running real code" })).toBeVisible();
  await expect(lessonRow(page).locator("[data-progress='completed']")).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("a signed-in learner's completed lesson shows in the catalogue on another device", async ({
  page,
  browser,
}) => {
  const email = uniqueEmail();
  await signUp(page, email, LESSON);
  await passExercise(page);
  await expect(page.locator("[data-sync-state]")).toHaveAttribute("data-sync-state", "saved", {
    timeout: 30_000,
  });

  const other = await signInFreshContext(browser, email, "/");
  await expect(lessonRow(other).locator("[data-progress]")).toHaveAttribute(
    "data-progress",
    "completed",
    { timeout: 30_000 },
  );
  await expect(chapterOf(other).locator("[data-chapter-progress]")).toHaveAttribute(
    "data-chapter-progress",
    "1/3",
  );

  // And the lesson opens at the exercise there too.
  await lessonRow(other).getByRole("link").click();
  await expect(
    other.locator(`section[data-cell-id="${EXERCISE}"]`).getByTestId("resume-here"),
  ).toBeVisible({ timeout: 30_000 });
  await expect(other.getByTestId("lesson-complete")).toBeVisible();
  await other.context().close();
});
