/**
 * `npm run lighthouse -- --base http://127.0.0.1:PORT [--pages /learn/a,/learn/b]`: Lighthouse
 * (desktop preset) against a running server, on every lesson page or the given ones, in Debian's
 * Chromium. Prints one JSON line per page {path, performance, accessibility, tbtMs}, then a
 * summary line; exits 1 when a page misses the goals (performance ≥ 98, accessibility 100,
 * total blocking time ≤ 100 ms).
 */
import lighthouse, { desktopConfig } from "lighthouse";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/chromium";
import { readCatalog } from "../lib/content/catalog";
import { parseArgs, summarize, toPercent, type PageScore } from "./lighthouse-summary";

type Measured = Omit<PageScore, "path"> & {
  fcpMs: number;
  lcpMs: number;
  speedIndexMs: number;
  cls: number;
};

/** Starts headless Chromium with a DevTools port for Lighthouse; resolves with that port. */
function launchChromium(profile: string): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_ARGS,
      "--headless=new",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${seen}`)), 30_000);
    child.once("error", reject);
    child.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve({ port: Number(match[1]), child });
      }
    });
  });
}

async function measure(url: string, port: number): Promise<Measured> {
  const result = await lighthouse(
    url,
    { port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"] },
    desktopConfig,
  );
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError)
    throw new Error(`${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  return {
    performance: toPercent(lhr.categories.performance?.score),
    accessibility: toPercent(lhr.categories.accessibility?.score),
    tbtMs: Math.round(lhr.audits["total-blocking-time"]?.numericValue ?? Number.NaN),
    // What the performance score is made of, to see what holds it back.
    fcpMs: Math.round(lhr.audits["first-contentful-paint"]?.numericValue ?? Number.NaN),
    lcpMs: Math.round(lhr.audits["largest-contentful-paint"]?.numericValue ?? Number.NaN),
    speedIndexMs: Math.round(lhr.audits["speed-index"]?.numericValue ?? Number.NaN),
    cls: Number((lhr.audits["cumulative-layout-shift"]?.numericValue ?? Number.NaN).toFixed(3)),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const pages = args.pages ?? [...readCatalog().lessons.values()].map((l) => l.meta.href);
  const profile = mkdtempSync(path.join(tmpdir(), "lighthouse-"));
  const { port, child } = await launchChromium(profile);
  const scores: PageScore[] = [];
  const failed: string[] = [];
  try {
    for (const page of pages) {
      try {
        const score = { path: page, ...(await measure(`${args.base}${page}`, port)) };
        scores.push(score);
        console.log(JSON.stringify(score));
      } catch (error) {
        // One page that does not load (a lesson newer than the build) does not end the run.
        failed.push(page);
        console.log(
          JSON.stringify({
            path: page,
            error: String(error instanceof Error ? error.message : error),
          }),
        );
      }
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill();
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
  const summary = summarize(scores);
  console.log(JSON.stringify({ summary: { ...summary, failed } }));
  if (summary.belowGoal.length > 0 || failed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
