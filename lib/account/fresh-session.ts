// Export and deletion need a session that began a short while ago: a cookie left behind on a
// shared computer, or stolen, must not be enough to take a learner's data or end their account.

export const FRESH_SESSION_MINUTES = 15;

export function isSessionFresh(startedAt: Date, now: number): boolean {
  const age = now - startedAt.getTime();
  return age >= 0 && age <= FRESH_SESSION_MINUTES * 60 * 1000;
}

/** The 403 message when the session is older; `action` completes "Sign in again to …". */
export function signInAgainMessage(action: string): string {
  return `Sign in again to ${action}: for your safety this needs a sign-in from the last ${FRESH_SESSION_MINUTES} minutes.`;
}
