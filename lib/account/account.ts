import "server-only";
import { betterAuthError } from "@/lib/auth/api-error";
import { getAuth } from "@/lib/auth/auth";
import { forgetVerifiedSessions } from "@/lib/auth/session";
import {
  deleteUserAndData,
  deleteUserSession,
  exportUserData,
  type AccountExport,
} from "@/lib/db/account-repository";
import { RouteError } from "@/lib/http/route";
import { isSessionFresh, signInAgainMessage } from "./fresh-session";

// The account routes' logic: the caller's current session, its freshness, export and deletion.

type CurrentSession = { userId: string; sessionId: string; startedAt: Date };

/** The session these headers carry, read from the database (no cookie cache), or null. */
export async function currentSession(headers: Headers): Promise<CurrentSession | null> {
  const found = await getAuth().api.getSession({ headers, query: { disableCookieCache: true } });
  if (!found) return null;
  return {
    userId: found.user.id,
    sessionId: found.session.id,
    startedAt: new Date(found.session.createdAt),
  };
}

/** The caller's session when it is the user's and fresh; 401 or 403 ("Sign in again to …") otherwise. */
export async function requireFreshSession(
  headers: Headers,
  userId: string,
  action: string,
  now = Date.now(),
): Promise<CurrentSession> {
  const session = await currentSession(headers);
  if (!session || session.userId !== userId) throw new RouteError(401, "Sign in to do this.");
  if (!isSessionFresh(session.startedAt, now))
    throw new RouteError(403, signInAgainMessage(action));
  return session;
}

type AccountExportFile = AccountExport & { exportedAt: string; format: string };

export async function exportAccount(userId: string): Promise<AccountExportFile> {
  const data = await exportUserData(userId);
  if (!data) throw new RouteError(401, "This account no longer exists.");
  return { format: "courses-account-export/1", exportedAt: new Date().toISOString(), ...data };
}

/** Checks the password, then removes the user and all their rows; every session ends with them. */
export async function deleteAccount(headers: Headers, userId: string, password: string) {
  try {
    await getAuth().api.verifyPassword({ body: { password }, headers });
  } catch (error) {
    const refused = betterAuthError(error);
    if (refused?.status === "BAD_REQUEST")
      throw new RouteError(403, "That password is not right; your account was not deleted.");
    if (refused?.status === "UNAUTHORIZED") throw new RouteError(401, "Sign in to do this.");
    throw error;
  }
  if ((await deleteUserAndData(userId)) === "last-admin")
    throw new RouteError(
      409,
      "You are the only admin: make someone else an admin first, or your account stays.",
    );
  forgetVerifiedSessions();
}

/** Expires better-auth's cookies in the browser that asked (the sessions are gone already). */
export async function expiredAuthCookies(): Promise<string[]> {
  const { authCookies } = await getAuth().$context;
  return [authCookies.sessionToken, authCookies.sessionData, authCookies.dontRememberToken].map(
    (cookie) =>
      `${cookie.name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${cookie.attributes.secure ? "; Secure" : ""}`,
  );
}

/** "Sign out there": ends another of the user's sessions (not the one asking). */
export async function endOtherSession(current: CurrentSession, sessionId: string): Promise<void> {
  if (sessionId === current.sessionId)
    throw new RouteError(400, "That is this device; use Sign out in the menu instead.");
  if (!(await deleteUserSession(current.userId, sessionId)))
    throw new RouteError(404, "That device is already signed out.");
  forgetVerifiedSessions();
}
