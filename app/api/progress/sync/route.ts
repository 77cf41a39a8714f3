import { databaseErrorResponse } from "@/lib/http/database-errors";
import { userExists } from "@/lib/db/account-repository";
import { RouteError, validatedRoute } from "@/lib/http/route";
import { MAX_SYNC_BODY_BYTES, syncBatchSchema } from "@/lib/progress/schemas";
import { applySyncBatch } from "@/lib/progress/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST a batch of the browser outbox's mutations (fetch, or navigator.sendBeacon when the page
// is hidden). 401 without a session, 403 cross-site, 413 too large, 422 invalid (also data the
// database refuses), 429 too many, 503 while the database is unreachable (the outbox keeps the
// batch and retries).
export const POST = validatedRoute({
  name: "progress/sync",
  session: "required",
  // The session check rides on the batch's first statement (one round trip fewer per sync).
  liveness: "handler",
  signInMessage: "Sign in to save progress to your account.",
  rateLimit: { bucket: "sync", key: "user", message: "Too many sync requests" },
  body: { schema: syncBatchSchema, maxBodyBytes: MAX_SYNC_BODY_BYTES },
  handle: async ({ user, body, unverifiedSessionToken }) => {
    try {
      return await applySyncBatch(user.id, body, { unverifiedSessionToken });
    } catch (error) {
      // The account was deleted while this batch was on its way (another tab): not a fault.
      // (Also when its session was found ended: SessionEndedError, 401 either way.)
      if (!(await userExists(user.id).catch(() => true)))
        throw new RouteError(401, "This account no longer exists.");
      throw error;
    }
  },
  mapError: (error) =>
    databaseErrorResponse(
      error,
      "Progress storage is unavailable; your changes are kept and will be retried.",
    ),
});
