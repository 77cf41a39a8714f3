import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { recordResetToken } from "@/lib/db/account-repository";
import { logger } from "@/lib/http/log";
import { mailConfigured, sendMail } from "@/lib/mail/mailer";
import { readAuthEnv } from "./env";

// Delivering a password-reset link (better-auth's `sendResetPassword`). The link always points
// at the configured public origin, never at a request's Host header (which an attacker could
// set to harvest tokens). With SMTP_URL the link is mailed; without it (the embedded default)
// it is written to the server log, and in development handed back to the page that asked.

/** How long a reset link works. */
export const RESET_TOKEN_TTL_SECONDS = 60 * 60;

function resetLink(baseUrl: string, token: string): string {
  return `${baseUrl}/reset-password?token=${encodeURIComponent(token)}`;
}

function resetMail(name: string, url: string): { subject: string; text: string } {
  return {
    subject: "Reset your Courses password",
    text: [
      `Hello ${name || "there"},`,
      "",
      "Someone (hopefully you) asked to reset the password of your Courses account.",
      "Open this link within one hour to choose a new password; it works once:",
      "",
      url,
      "",
      "If you did not ask for this, ignore this e-mail: your password stays as it is.",
    ].join("\n"),
  };
}

/** The token's SHA-256 (hex): how the token is named in our own records and logs of state. */
export function hashResetToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Collects the link made during one request, so a development page can show it. */
const linkCapture = new AsyncLocalStorage<{ url?: string }>();

export async function withResetLinkCapture<T>(
  work: () => Promise<T>,
): Promise<{ result: T; url: string | undefined }> {
  const store: { url?: string } = {};
  const result = await linkCapture.run(store, work);
  return { result, url: store.url };
}

/**
 * better-auth's `sendResetPassword`: records that the token was issued, then sends the mail in
 * the background — the request answers without waiting for the SMTP server, so a known address
 * takes no longer than an unknown one. A mail failure is logged, never shown to the requester.
 */
export async function sendResetPasswordLink(data: {
  user: { id: string; email: string; name: string };
  token: string;
}): Promise<void> {
  const url = resetLink(readAuthEnv().baseUrl, data.token);
  await recordResetToken(hashResetToken(data.token), data.user.id, "issued");
  const capture = linkCapture.getStore();
  if (!mailConfigured()) {
    if (capture) capture.url = url;
    logger.info(
      { userId: data.user.id, resetUrl: url },
      "password reset: SMTP_URL is not set; the reset link is only in this log",
    );
    return;
  }
  const { subject, text } = resetMail(data.user.name, url);
  void sendMail({ to: data.user.email, subject, text }).then(
    () => logger.info({ userId: data.user.id }, "password reset: mail sent"),
    (error: unknown) =>
      logger.error({ err: error, userId: data.user.id }, "password reset: mail failed"),
  );
}
