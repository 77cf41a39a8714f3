import { expect, test, type Page } from "@playwright/test";
import { signUp, uniqueEmail } from "./accounts";
import { openWithSavedEdit } from "./seed-progress";
import { loadEditor, monacoText } from "./editor";

// Cypher cells through neo4j-driver against the embedded Bolt server, and Rust cells through the
// sandboxed runner, in the browser against the production server.

const CYPHER_LESSON = "/learn/graph-queries/first-queries/match-and-return";
const RUST_LESSON = "/learn/rust/ownership/moves-and-borrows";

const cell = (page: Page, id: string) => page.locator(`section[data-cell-id="${id}"]`);

async function run(page: Page, id: string, label: string, expected: "done" | "error" = "done") {
  const c = cell(page, id);
  await c.scrollIntoViewIfNeeded();
  await c.getByRole("button", { name: `Run ${label} cell ${id}` }).click();
  await expect(c.locator("[data-status]").first()).toHaveAttribute("data-status", expected, {
    timeout: 60_000,
  });
  return c;
}

test("a Cypher cell returns a table, and nodes come back as a graph too", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(CYPHER_LESSON);

  const keanu = await run(page, "find-keanu", "Cypher");
  const table = keanu.getByRole("table");
  await expect(table.getByRole("columnheader", { name: "p.name" })).toBeVisible();
  await expect(table.getByRole("cell", { name: "Keanu Reeves" })).toBeVisible();
  await expect(table.getByRole("cell", { name: "1964" })).toBeVisible();

  const matrix = await run(page, "find-matrix", "Cypher");
  await expect(matrix.getByRole("table")).toContainText("The Matrix");
  await expect(matrix.locator("figure[aria-label^='Result graph']")).toBeVisible();
  await expect(matrix.getByRole("button", { name: /Movie: The Matrix/ })).toBeVisible();
  expect(errors).toEqual([]);
});

test("a Cypher syntax error says where it is", async ({ page }) => {
  await openWithSavedEdit(
    page,
    CYPHER_LESSON,
    "graph-queries/first-queries/match-and-return",
    "find-keanu",
    "MATCH (p:Person RETURN p",
  );
  const c = await run(page, "find-keanu", "Cypher", "error");
  await expect(c.getByRole("alert")).toContainText(/line 1/i);
});

test("anonymous learners are asked to sign in before a Rust cell runs", async ({ page }) => {
  await page.goto(RUST_LESSON);
  const moves = cell(page, "moves");
  const notice = moves.getByTestId("run-unavailable");
  await expect(notice).toBeVisible();
  await expect(moves.getByRole("button", { name: "Run Rust cell moves" })).toBeDisabled();
  // Reading works without an account; the notice says why Run is off (sign-in, or no toolchain).
  await expect(moves).toContainText("let moved = greeting;");
  if (await notice.getByRole("link", { name: "Sign in" }).isVisible()) {
    await expect(notice).toContainText("Sign in to run Rust cells");
    await notice.getByRole("link", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`/sign-in?next=${encodeURIComponent(RUST_LESSON)}`);
  }
});

test("a signed-in learner's Rust cell builds in the sandbox; a compile error is underlined in the editor", async ({
  page,
}) => {
  await signUp(page, uniqueEmail(), RUST_LESSON);
  const moves = cell(page, "moves");
  const runButton = moves.getByRole("button", { name: "Run Rust cell moves" });
  // CI installs bubblewrap and has cargo; elsewhere a machine without them shows Run disabled.
  test.skip(
    !process.env.CI && (await runButton.isDisabled()),
    "this server has no Rust toolchain or bubblewrap",
  );
  await run(page, "moves", "Rust");
  await expect(moves.getByTestId("cell-output")).toContainText("3 3 hello");

  // Use the moved String again: E0382 on line 7, shown in the output and as a squiggle.
  await loadEditor(page, moves);
  await moves.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Home");
  await page.keyboard.type("let again = greeting;\n");
  await run(page, "moves", "Rust", "error");
  await expect(moves.getByTestId("cell-output")).toContainText(
    /borrow of moved value|use of moved value/,
  );
  await expect(moves.getByTestId("cell-output")).toContainText(/line 7|:7:/);
  await expect(moves.locator(".monaco-editor .squiggly-error").first()).toBeVisible();
  // The squiggle sits on the line the learner typed (line 7), not elsewhere.
  // Both boxes in one frame (the page may still scroll as the output grows), polled until the
  // editor has laid the squiggle out.
  const squiggleOnTypedLine = () =>
    moves.evaluate((section) => {
      const squiggle = section
        .querySelector(".monaco-editor .squiggly-error")
        ?.getBoundingClientRect();
      // Monaco renders spaces as U+00A0.
      const line = [...section.querySelectorAll(".monaco-editor .view-line")]
        .find((l) => l.textContent?.replace(/\s+/g, " ").includes("let again = greeting;"))
        ?.getBoundingClientRect();
      return squiggle && line ? { dy: Math.abs(squiggle.y - line.y), width: squiggle.width } : null;
    });
  await expect.poll(async () => (await squiggleOnTypedLine())?.dy ?? Infinity).toBeLessThan(4);
  expect((await squiggleOnTypedLine())?.width).toBeGreaterThan(10); // under `greeting`, not a zero-width mark
});

const SHAPES_LESSON = "/learn/rust/types/structs-enums-and-match";

test("Rust cells show their file, and the project's Cargo.toml is a read-only cell", async ({
  page,
}) => {
  await page.goto(SHAPES_LESSON);
  await expect(cell(page, "shape").getByTestId("cell-file")).toHaveText("src/shape.rs");
  await expect(cell(page, "main").getByTestId("cell-file")).toHaveText("src/main.rs");
  await expect(cell(page, "book").getByTestId("cell-file")).toHaveText("src/main.rs");

  const manifest = page.getByRole("region", {
    name: "Cargo.toml of project shapes (read-only)",
    exact: true,
  });
  await expect(manifest).toContainText('name = "shapes"');
  await expect(manifest).toContainText("read-only");
  // Highlighted, and neither editable nor runnable.
  await expect(manifest.locator("pre.shiki span[style]").first()).toBeVisible();
  await expect(manifest.getByRole("button")).toHaveCount(0);
  await expect(manifest.locator("[contenteditable], textarea, [role='textbox']")).toHaveCount(0);
  // The standalone cell's manifest (package "playground") stands above the first such cell.
  await expect(
    page.getByRole("region", { name: "Cargo.toml of the Rust cells (read-only)", exact: true }),
  ).toContainText('name = "playground"');

  await manifest.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, -40));
  await page.screenshot({ path: "docs/screenshots/rust-cargo-toml.png" });
});

test("signed out, Rust Run buttons are disabled from the first paint and never flip", async ({
  page,
}) => {
  // The static HTML already has them disabled…
  const html = await (await page.request.get(RUST_LESSON)).text();
  const runButtons = html.match(/<button[^>]*aria-label="Run Rust cell [^"]*"[^>]*>/g) ?? [];
  expect(runButtons.length).toBeGreaterThan(0);
  expect(runButtons.every((b) => / disabled=""/.test(b))).toBe(true);

  // …and no frame from navigation to the answer shows one enabled.
  await page.addInitScript(() => {
    const w = window as unknown as { rustRunEnabledAt?: number };
    const watch = () => {
      const enabled = [
        ...document.querySelectorAll<HTMLButtonElement>('button[aria-label^="Run Rust cell"]'),
      ].some((b) => !b.disabled);
      if (enabled && w.rustRunEnabledAt === undefined) w.rustRunEnabledAt = performance.now();
      requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
  });
  await page.goto(RUST_LESSON);
  const moves = cell(page, "moves");
  await expect(moves.getByTestId("run-unavailable")).toBeVisible();
  await expect(moves.getByRole("button", { name: "Run Rust cell moves" })).toBeDisabled();
  expect(
    await page.evaluate(() => (window as { rustRunEnabledAt?: number }).rustRunEnabledAt),
  ).toBe(undefined);
});

test("the Cypher editor colours keywords with the engine's lexer and completes the graph's labels", async ({
  page,
}) => {
  await page.goto(CYPHER_LESSON);
  const c = cell(page, "find-keanu");
  await c.scrollIntoViewIfNeeded();
  await loadEditor(page, c);
  const colourOf = (word: string) =>
    c.evaluate((section, w) => {
      const span = [...section.querySelectorAll(".monaco-editor .view-line span span")].find(
        (s) => s.textContent === w,
      );
      return span ? getComputedStyle(span).color : null;
    }, word);
  // Keywords in the theme's keyword red, labels in its type colour, names plain.
  await expect.poll(() => colourOf("MATCH")).toBe("rgb(207, 34, 46)");
  expect(await colourOf("RETURN")).toBe("rgb(207, 34, 46)");
  expect(await colourOf("Person")).toBe("rgb(149, 56, 0)");

  await c.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("MATCH (p:Pe", { delay: 30 });
  const suggestions = c.locator(".monaco-editor .suggest-widget");
  await expect(suggestions).toBeVisible();
  // Monaco labels each suggestion "<name>, <kind>".
  await expect(suggestions.getByRole("listitem", { name: "Person, Class" })).toBeVisible();
  await page.screenshot({ path: "docs/screenshots/cypher-completion.png" });
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await monacoText(c)).includes("MATCH (p:Person")).toBe(true);
});
