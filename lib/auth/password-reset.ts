import "server-only";
import { findResetTokenRecord, recordResetToken } from "@/lib/db/account-repository";
import { RouteError } from "@/lib/http/route";
import { betterAuthError } from "./api-error";
import { getAuth } from "./auth";
import { readAuthEnv } from "./env";
import { consumeFrom, namedLimiter } from "./rate-limit";
import { normaliseEmail } from "./sign-in-limits";
import { hashResetToken, withResetLinkCapture } from "./reset-mail";

// The two halves of "forgot password": asking for a link (the same answer, in about the same
// time, whether or not the address has an account) and using it (single use, one hour).

export const RESET_REQUESTED_MESSAGE =
  "If an account uses this e-mail address, a link to reset its password is on its way. It works for one hour.";

/** Every request takes at least this long, so an answer's timing does not tell known from unknown. */
const MIN_REQUEST_MS = 400;
/** Reset mails per e-mail address per hour, whatever address asks (spares a learner's inbox). */
const RESET_REQUESTS_PER_EMAIL_PER_HOUR = 5;

type ResetRequestAnswer = { message: string; devResetUrl?: string };

export async function requestPasswordReset(
  email: string,
  minimumMs = MIN_REQUEST_MS,
): Promise<ResetRequestAnswer> {
  const started = Date.now();
  const key = normaliseEmail(email) ?? email;
  const limiter = await namedLimiter("password-reset-email", {
    points: RESET_REQUESTS_PER_EMAIL_PER_HOUR,
    duration: 60 * 60,
  });
  const taken = await consumeFrom(limiter, key, "password-reset-email");
  if (!taken.allowed)
    throw new RouteError(
      taken.unavailable ? 503 : 429,
      taken.unavailable
        ? "Password reset is briefly unavailable; please try again in a moment."
        : `Too many reset requests for this e-mail address; try again in ${taken.retryAfterSeconds} s.`,
      undefined,
      taken.retryAfterSeconds,
    );
  const { url } = await withResetLinkCapture(() =>
    getAuth().api.requestPasswordReset({ body: { email: key } }),
  );
  const wait = minimumMs - (Date.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  // Only a development server without mail hands the link to the page; production never does.
  return !readAuthEnv().production && url
    ? { message: RESET_REQUESTED_MESSAGE, devResetUrl: url }
    : { message: RESET_REQUESTED_MESSAGE };
}

type ResetTokenStatus = "valid" | "expired" | "used" | "unknown";

export const RESET_TOKEN_MESSAGES: Record<Exclude<ResetTokenStatus, "valid">, string> = {
  unknown:
    "This reset link is not valid. Check that you opened the whole link from the e-mail, or ask for a new one.",
  expired: "This reset link has expired (links work for one hour). Ask for a new one.",
  used: "This reset link has already been used. Sign in with your new password, or ask for a new link.",
};

export async function resetTokenStatus(token: string): Promise<ResetTokenStatus> {
  if (!/^[A-Za-z0-9_-]{8,128}$/.test(token)) return "unknown";
  const context = await getAuth().$context;
  const live = await context.internalAdapter.findVerificationValue(`reset-password:${token}`);
  if (live && new Date(live.expiresAt).getTime() > Date.now()) return "valid";
  const record = await findResetTokenRecord(hashResetToken(token));
  if (record === "used") return "used";
  return record === "issued" || live ? "expired" : "unknown";
}

/** Sets the new password with a reset token; every session of the account ends (auth.ts). */
export async function resetPasswordWithToken(token: string, newPassword: string): Promise<void> {
  const status = await resetTokenStatus(token);
  if (status !== "valid") throw new RouteError(400, RESET_TOKEN_MESSAGES[status]);
  const context = await getAuth().$context;
  const live = await context.internalAdapter.findVerificationValue(`reset-password:${token}`);
  try {
    await getAuth().api.resetPassword({ body: { token, newPassword } });
  } catch (error) {
    const refused = betterAuthError(error);
    if (!refused) throw error;
    if (refused.code === "PASSWORD_TOO_SHORT" || refused.code === "PASSWORD_TOO_LONG")
      throw new RouteError(400, "Choose a password of 8 to 128 characters.");
    // Used a moment ago by another request (the token is consumed atomically).
    throw new RouteError(400, RESET_TOKEN_MESSAGES.used);
  }
  if (live) await recordResetToken(hashResetToken(token), live.value, "used");
}
