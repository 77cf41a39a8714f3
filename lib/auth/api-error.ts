/**
 * better-auth's APIError, recognised by shape: a production build can bundle the library twice
 * (route handlers, server components), so `instanceof APIError` fails for an error made by the
 * other copy. Returns its status name ("BAD_REQUEST", "UNAUTHORIZED" …) and code, or null.
 */
export function betterAuthError(error: unknown): { status: string; code: string | null } | null {
  if (typeof error !== "object" || error === null) return null;
  const candidate = error as {
    name?: unknown;
    status?: unknown;
    statusCode?: unknown;
    body?: unknown;
  };
  if (candidate.name !== "APIError" || typeof candidate.status !== "string") return null;
  const body = candidate.body as { code?: unknown } | undefined;
  return { status: candidate.status, code: typeof body?.code === "string" ? body.code : null };
}
