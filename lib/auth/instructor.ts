import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { getAuth } from "./auth";
import type { SessionUser } from "./session";

// The instructor gate for every page, route handler and action under /instructor. Instructors and
// admins pass; anonymous visitors go to sign-in (pages) or get 401 (routes); learners get 403.

type InstructorAccess = { ok: true; user: SessionUser } | { ok: false; status: 401 | 403 };

function canInstruct(user: SessionUser | null): user is SessionUser {
  return user !== null && (user.role === "instructor" || user.role === "admin");
}

/**
 * The session's user read from the database, not from better-auth's 5-minute cookie cache: the
 * cached copy carries the role, so a demoted instructor would keep access (and a promoted one
 * would wait) until it expired.
 */
async function freshSessionUser(requestHeaders: Headers): Promise<SessionUser | null> {
  const session = await getAuth().api.getSession({
    headers: requestHeaders,
    query: { disableCookieCache: true },
  });
  if (!session) return null;
  const user = session.user as { id: string; email: string; name: string; role?: unknown };
  const role = user.role === "instructor" || user.role === "admin" ? user.role : "learner";
  return { id: user.id, email: user.email, name: user.name, role };
}

/** The decision for a request's headers (no side effects: the callers choose how to refuse). */
async function instructorAccess(requestHeaders: Headers): Promise<InstructorAccess> {
  const user = await freshSessionUser(requestHeaders);
  if (!user) return { ok: false, status: 401 };
  return canInstruct(user) ? { ok: true, user } : { ok: false, status: 403 };
}

/** Where the sign-in page sends the user back to: only same-site paths under /instructor or /admin. */
function signInUrl(returnTo: string, fallback = "/instructor"): string {
  const safe =
    (returnTo.startsWith("/instructor") || returnTo.startsWith("/admin")) &&
    !returnTo.startsWith("//")
      ? returnTo
      : fallback;
  return `/sign-in?next=${encodeURIComponent(safe)}`;
}

/**
 * The 403 answer of a page: Next's 403 with `experimental.authInterrupts`, else the notice page,
 * which says what was missing (`need`: instructor, admin, or the class's own instructor).
 */
export function refuseForbidden(
  need: "instructor" | "admin" | "class-owner" = "instructor",
): never {
  if (process.env.__NEXT_EXPERIMENTAL_AUTH_INTERRUPTS) forbidden();
  redirect(need === "instructor" ? "/instructor/forbidden" : `/instructor/forbidden?need=${need}`);
}

/** For the admin pages: the admin, or a redirect to sign-in (anonymous) or a 403 (everyone else). */
export async function requireAdmin(returnTo = "/admin/users"): Promise<SessionUser> {
  const user = await freshSessionUser(await headers());
  if (!user) redirect(signInUrl(returnTo, "/admin/users"));
  if (user.role !== "admin") refuseForbidden("admin");
  return user;
}

/**
 * For server components and server actions: the instructor, or a redirect to sign-in
 * (anonymous) or the 403 page (learners). `forbidden()` needs `experimental.authInterrupts`
 * in next.config; without it learners are redirected to /instructor/forbidden instead.
 */
export async function requireInstructor(returnTo = "/instructor"): Promise<SessionUser> {
  const access = await instructorAccess(await headers());
  if (access.ok) return access.user;
  if (access.status === 401) redirect(signInUrl(returnTo));
  refuseForbidden("instructor");
}

/** For route handlers: the instructor, or the refusal to return (401 / 403, JSON, not cached). */
export async function instructorOrResponse(request: Request): Promise<SessionUser | Response> {
  const access = await instructorAccess(request.headers);
  if (access.ok) return access.user;
  const error =
    access.status === 401
      ? "Sign in as an instructor to use this."
      : "Only instructors and admins can use this.";
  return Response.json(
    { error },
    { status: access.status, headers: { "cache-control": "no-store" } },
  );
}
