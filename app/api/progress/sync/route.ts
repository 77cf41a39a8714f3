import { consumeRateLimit } from "@/lib/auth/rate-limit";
import { checkSameOrigin, json, readBodyWithLimit } from "@/lib/auth/request-guards";
import { getSessionFromHeaders } from "@/lib/auth/session";
import { fieldErrors, MAX_SYNC_BODY_BYTES, syncBatchSchema } from "@/lib/progress/schemas";
import { applySyncBatch } from "@/lib/progress/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST a batch of the browser outbox's mutations (fetch, or navigator.sendBeacon when the page
// is hidden). 401 without a session, 403 cross-site, 413 too large, 422 invalid, 429 too many,
// 503 while the database is unreachable (the outbox keeps the batch and retries).
export async function POST(request: Request): Promise<Response> {
  const crossSite = checkSameOrigin(request.headers);
  if (crossSite) return json(crossSite.body, crossSite.status);

  const body = await readBodyWithLimit(request, MAX_SYNC_BODY_BYTES);
  if (!body.ok) return json(body.failure.body, body.failure.status);

  let user;
  try {
    user = await getSessionFromHeaders(request.headers);
  } catch (error) {
    return unavailable(error);
  }
  if (!user) return json({ error: "Sign in to save progress to your account." }, 401);

  const limit = await consumeRateLimit("sync", `user:${user.id}`);
  if (!limit.allowed) return json({ error: "Too many sync requests." }, 429, { "retry-after": String(limit.retryAfterSeconds) });

  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(body.text);
  } catch {
    return json({ error: "The body is not valid JSON.", fieldErrors: { "(body)": ["invalid JSON"] } }, 422);
  }
  const batch = syncBatchSchema.safeParse(parsedJson);
  if (!batch.success) return json({ error: "Invalid sync batch.", fieldErrors: fieldErrors(batch.error) }, 422);

  try {
    return json(await applySyncBatch(user.id, batch.data));
  } catch (error) {
    return unavailable(error);
  }
}

function unavailable(error: unknown): Response {
  console.error(`[progress/sync] ${error instanceof Error ? error.message : String(error)}`);
  return json({ error: "Progress storage is unavailable; your changes are kept and will be retried." }, 503, { "retry-after": "2" });
}
