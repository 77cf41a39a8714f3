/**
 * `npm run size`: gzip size of the JavaScript a lesson page loads before any heavy runtime
 * (Monaco, TensorFlow.js, Plotly — the last two also load at idle through the kernel's warm
 * start, which is turned off here), measured in Chromium against the production build.
 * Prints {"lessonFirstLoadKB": N}. Builds first if there is no build.
 */
import { chromium } from "@playwright/test";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/chromium";

const root = path.resolve(import.meta.dirname, "..");
export const LESSON_PATH = "/learn/sequence-models/forecasting/sine-wave-lstm";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not answer at ${url}`);
}

/** Sums gzip sizes of every script the page loads before the first interaction. */
export async function measureLessonFirstLoad(baseUrl: string): Promise<number> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    // A short viewport keeps every cell out of view, so no editor starts loading.
    const page = await browser.newPage({ viewport: { width: 1280, height: 300 } });
    // The kernel's warm start fetches TensorFlow.js and Plotly once the page is idle, on purpose:
    // they are the heavy runtimes this figure leaves out, so it is turned off the way a learner can.
    await page.addInitScript(() => window.localStorage.setItem("courses.kernel.warmStart", "off"));
    const sizes: Promise<number>[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() === "script" && response.ok()) {
        sizes.push(
          response.body().then(
            (body) => gzipSync(body).length,
            () => 0,
          ),
        );
      }
    });
    await page.goto(`${baseUrl}${LESSON_PATH}`, { waitUntil: "networkidle" });
    const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    return Math.round((total / 1024) * 10) / 10;
  } finally {
    await browser.close();
  }
}

async function main() {
  let baseUrl = process.env.E2E_BASE_URL;
  let stop = () => {};
  if (!baseUrl) {
    if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
      await new Promise<void>((resolve, reject) =>
        spawn("npm", ["run", "build"], { cwd: root, stdio: "inherit" }).on("exit", (c) =>
          c === 0 ? resolve() : reject(new Error("build failed")),
        ),
      );
    }
    const port = await freePort();
    const server = spawn(
      process.execPath,
      [path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(port)],
      {
        cwd: root,
        stdio: "ignore",
      },
    );
    stop = () => server.kill("SIGTERM");
    baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(baseUrl, 60_000);
  }
  try {
    console.log(JSON.stringify({ lessonFirstLoadKB: await measureLessonFirstLoad(baseUrl) }));
  } finally {
    stop();
  }
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) void main();
