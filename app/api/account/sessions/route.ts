import { z } from "zod";
import { currentSession, endOtherSession } from "@/lib/account/account";
import { RouteError, validatedRoute } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// DELETE { sessionId }: signs the learner out on another device (204); 404 when it is gone.
export const DELETE = validatedRoute({
  name: "account/sessions",
  session: "required",
  rateLimit: { bucket: "auth", key: "user", message: "Too many account requests" },
  body: { schema: z.object({ sessionId: z.string().min(1).max(128) }), maxBodyBytes: 1_024 },
  handle: async ({ request, user, body }) => {
    const current = await currentSession(request.headers);
    if (!current || current.userId !== user.id) throw new RouteError(401, "Sign in to do this.");
    await endOtherSession(current, body.sessionId);
    return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
  },
});
