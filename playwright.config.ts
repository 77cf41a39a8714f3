import { defineConfig, devices } from "@playwright/test";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "./e2e/chromium";
import { E2E_SMTP_PORT } from "./e2e/mail";
import { E2E_METRICS_TOKEN } from "./e2e/metrics";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${port}`;

/** e2e against the production server, in Debian's Chromium (no browser download). */
export default defineConfig({
  testDir: "e2e",
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: process.env.E2E_BASE_URL
    ? undefined
    : {
        command: `node --import tsx scripts/start.ts --port ${port}`,
        url: baseURL,
        timeout: 180_000,
        reuseExistingServer: !process.env.CI,
        stdout: "pipe",
        stderr: "pipe",
        // e2e/account.spec.ts receives the password-reset mail on this port (in-process SMTP).
        // e2e/operations.spec.ts scrapes /api/metrics with this token.
        env: { SMTP_URL: `smtp://127.0.0.1:${E2E_SMTP_PORT}`, METRICS_TOKEN: E2E_METRICS_TOKEN },
      },
});
