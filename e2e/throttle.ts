import type { CDPSession, Page } from "@playwright/test";

/**
 * A slow machine as part of the test, not an accident: Chromium's CPU throttling (CDP
 * `Emulation.setCPUThrottlingRate`) slows the page's main thread by `rate` (4 ≈ a school
 * Chromebook or a busy laptop next to a fast desktop). E2E_CPU_THROTTLE sets the rate.
 */
export const CPU_THROTTLE_RATE = parseRate(process.env.E2E_CPU_THROTTLE ?? "4");

function parseRate(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 1)
    throw new Error(`E2E_CPU_THROTTLE must be a number ≥ 1 (1 = no throttling), not "${value}"`);
  return rate;
}

/** Throttles `page`'s CPU until the page closes; returns the CDP session that holds it. */
export async function throttleCpu(page: Page, rate = CPU_THROTTLE_RATE): Promise<CDPSession> {
  const session = await page.context().newCDPSession(page);
  await session.send("Emulation.setCPUThrottlingRate", { rate });
  return session;
}

/**
 * Waits until React has hydrated the element at `selector`: on a throttled page the server's
 * HTML is visible (and clickable) seconds before its handlers are attached, and a click then
 * is lost.
 */
export async function waitForHydration(
  page: Page,
  selector: string,
  timeout = 60_000,
): Promise<void> {
  await page.waitForFunction(
    (sel) => {
      const element = document.querySelector(sel);
      return !!element && Object.keys(element).some((key) => key.startsWith("__reactProps$"));
    },
    selector,
    { timeout },
  );
}
