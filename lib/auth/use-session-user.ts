"use client";

import { authClient } from "./client";

/**
 * The signed-in user's id, null when anonymous, undefined while the session is still asked.
 * better-auth keeps one session store per page, so every caller shares a single request.
 */
export function useSessionUserId(): string | null | undefined {
  const session = authClient.useSession();
  if (session.isPending) return undefined;
  return session.data?.user.id ?? null;
}
