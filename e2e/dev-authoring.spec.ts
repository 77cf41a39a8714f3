import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";

// An author under `npm run dev`: this spec starts its own `next dev` on a copy of the content
// folder (CONTENT_DIR; the repository's content/ is never touched) and edits lessons in it.
// Saving a cell's code shows on the open page without a reload (goal 2 s; see below); a lesson with a
// broken front matter shows its problems while every other page keeps working, and recovers by
// itself once fixed. No dev page logs a CSP error (the "1 Issue" badge).
// The first compile of each route under `next dev` is slow on a busy machine: only that gets
// long timeouts.

const ROOT = path.resolve(import.meta.dirname, "..");
const LESSON_A = "graph-queries/01-first-queries/01-match-and-return.md";
const LESSON_B = "graph-queries/01-first-queries/02-where-and-properties.md";
const URL_A = "/learn/graph-queries/first-queries/match-and-return";
const URL_B = "/learn/graph-queries/first-queries/where-and-properties";
const FIRST_COMPILE_MS = 600_000;

let workDir = "";
let contentDir = "";
let server: ChildProcess | null = null;
let baseURL = "";
let serverLog = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

function lessonFile(file: string): string {
  return path.join(contentDir, file);
}

function editLesson(file: string, from: string, to: string): void {
  const text = readFileSync(lessonFile(file), "utf8");
  if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
  writeFileSync(lessonFile(file), text.replace(from, to));
}

async function waitForServer(deadline: number): Promise<void> {
  for (;;) {
    if (server?.exitCode !== null) throw new Error(`next dev exited:\n${serverLog.slice(-4000)}`);
    try {
      const response = await fetch(`${baseURL}/api/dev/content-version`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`next dev did not answer:\n${serverLog.slice(-4000)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The page is hydrated and its live reload polls the content version. */
async function openWithLiveReload(page: Page, url: string): Promise<void> {
  const polled = page.waitForResponse((r) => r.url().includes("/api/dev/content-version"), {
    timeout: FIRST_COMPILE_MS,
  });
  await page.goto(url, { timeout: FIRST_COMPILE_MS });
  await polled;
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(2 * FIRST_COMPILE_MS);
  workDir = mkdtempSync(path.join(tmpdir(), "courses-dev-authoring-"));
  contentDir = path.join(workDir, "content");
  cpSync(path.join(ROOT, "content"), contentDir, { recursive: true });
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  // The default dist dir: `next dev` writes to .next/dev, beside a production build.
  const { NEXT_DIST_DIR: _distDir, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: "development",
    CONTENT_DIR: contentDir,
    PGLITE_DATA_DIR: path.join(workDir, "pglite"),
    BETTER_AUTH_URL: baseURL,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, "node_modules/next/dist/bin/next"),
      "dev",
      "--port",
      String(port),
      "--hostname",
      "127.0.0.1",
    ],
    { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  const keep = (chunk: Buffer) => {
    serverLog = (serverLog + chunk.toString()).slice(-200_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  server = child;
  await waitForServer(Date.now() + FIRST_COMPILE_MS);
  // Compile the lesson route and the catalogue once, before anything is timed.
  for (const url of [URL_A, "/"]) await warmUp(url, Date.now() + FIRST_COMPILE_MS);
});

/** One page compiled; a compile longer than fetch's 5 min header timeout is asked for again. */
async function warmUp(url: string, deadline: number): Promise<void> {
  for (;;) {
    const response = await fetch(`${baseURL}${url}`).catch((error: unknown) => {
      if (Date.now() > deadline)
        throw new Error(`${url} while warming up: ${String(error)}\n${serverLog.slice(-4000)}`);
      return null;
    });
    if (!response) continue;
    if (response.status !== 200)
      throw new Error(`${url} answered ${response.status}:\n${serverLog.slice(-6000)}`);
    return;
  }
}

test.afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    process.kill(-server.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test("a saved cell shows its new code on the open page, without a reload", async ({ page }) => {
  test.setTimeout(FIRST_COMPILE_MS + 60_000);
  const cspErrors: string[] = [];
  page.on("console", (message) => {
    if (
      message.type() === "error" &&
      /Content[- ]Security[- ]Policy|eval\(\)/i.test(message.text())
    )
      cspErrors.push(message.text());
  });
  await openWithLiveReload(page, `${baseURL}${URL_A}`);
  const cell = page.locator('[data-cell-id="find-keanu"]');
  await expect(cell).toContainText('name: "Keanu Reeves"');
  // Marks the document: a reload would lose it.
  await page.evaluate(() => document.documentElement.setAttribute("data-same-document", "yes"));

  // Once untimed: the first refresh may still compile the client side of something.
  editLesson(LESSON_A, "Parentheses are a node.", "Round brackets are a node.");
  await expect(page.getByText("Round brackets are a node.")).toBeVisible({ timeout: 60_000 });

  const saved = Date.now();
  editLesson(
    LESSON_A,
    'MATCH (p:Person {name: "Keanu Reeves"})',
    'MATCH (p:Person {name: "Carrie-Anne Moss"})',
  );
  // The goal is 2 s: measured 1.4-2.0 s on the quiet 2-core machine since a save re-parses only
  // the saved file (4.5-7.6 s before). The bound leaves room for the other e2e worker's load;
  // the time is reported.
  await expect(cell).toContainText('name: "Carrie-Anne Moss"', { timeout: 4_000 });
  test.info().annotations.push({
    type: "save → new code on the page",
    description: `${Date.now() - saved} ms`,
  });
  await expect(cell).not.toContainText("Keanu Reeves");
  expect(await page.evaluate(() => document.documentElement.dataset.sameDocument)).toBe("yes");
  expect(cspErrors).toEqual([]);
});

test("a broken front matter breaks only its own lesson, shows why, and recovers when fixed", async ({
  page,
}) => {
  test.setTimeout(FIRST_COMPILE_MS + 60_000);
  const good = readFileSync(lessonFile(LESSON_B), "utf8");
  editLesson(LESSON_B, "title: WHERE and properties", "title: WHERE: and properties");

  // Every other page keeps working.
  for (const url of [URL_A, "/"]) {
    const response = await page.request.get(`${baseURL}${url}`, { timeout: 60_000 });
    expect(response.status(), url).toBe(200);
  }
  const other = await page.request.get(`${baseURL}${URL_A}`);
  expect(await other.text()).toContain("MATCH and RETURN");

  // The broken lesson lists its problem as file:line.
  await openWithLiveReload(page, `${baseURL}${URL_B}`);
  const problems = page.getByTestId("lesson-problems");
  await expect(problems).toContainText(`${LESSON_B}:2: front matter`);

  // Fixed and saved: the open page shows the lesson again by itself.
  writeFileSync(lessonFile(LESSON_B), good);
  await expect(page.getByRole("heading", { level: 1, name: "WHERE and properties" })).toBeVisible({
    timeout: 30_000,
  });
  await expect(problems).toHaveCount(0);
});
