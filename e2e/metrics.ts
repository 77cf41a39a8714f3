/**
 * The METRICS_TOKEN playwright.config.ts gives the app server, so e2e/operations.spec.ts can
 * scrape /api/metrics (a server started by hand for E2E_BASE_URL needs the same value).
 */
export const E2E_METRICS_TOKEN = "e2e-metrics-token-0123456789abcdef";
