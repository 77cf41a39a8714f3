import { startTestMailServer, type TestMailServer } from "../lib/mail/testing";

export { resetTokenIn } from "../lib/mail/testing";

/**
 * The port of the SMTP server e2e specs start in their own process; playwright.config.ts gives
 * the app server SMTP_URL=smtp://127.0.0.1:<this port>, so its mail arrives here.
 */
export const E2E_SMTP_PORT = 2525;

export function startE2eMailServer(): Promise<TestMailServer> {
  return startTestMailServer(E2E_SMTP_PORT);
}
