import { randomUUID } from "node:crypto";
import { POST as authPost } from "@/app/api/auth/[...all]/route";
import type { SyncMutation } from "../schemas";

// Helpers for route-level tests: real better-auth sign-up through the real route handler.

export const ORIGIN = "http://localhost:3000";

export async function signUp(
  email = `learner-${randomUUID()}@example.test`,
  password = "correct horse battery",
): Promise<{ cookie: string; email: string }> {
  const response = await authPost(
    new Request(`${ORIGIN}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ email, password, name: email.split("@")[0] }),
    }),
  );
  if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0])
    .join("; ");
  return { cookie, email };
}

export function codeMutation(
  cellId: string,
  code: string,
  at = Date.now(),
  lessonKey = "track/01-chapter/01-lesson",
): SyncMutation {
  return {
    id: randomUUID(),
    kind: "code",
    lessonKey,
    cellId,
    clientVersion: 0,
    at,
    payload: { code, lessonCodeHash: "h" },
  };
}

export function syncRequest(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`${ORIGIN}/api/progress/sync`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
