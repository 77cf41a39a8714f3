import { z } from "zod";
import { deleteAccount, expiredAuthCookies, requireFreshSession } from "@/lib/account/account";
import { validatedRoute } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// DELETE { password }: removes the account and every row of it, signs out everywhere, 204.
// 401 without a session, 403 for a session older than a few minutes or a wrong password, 429.
export const DELETE = validatedRoute({
  name: "account/delete",
  session: "required",
  rateLimit: { bucket: "auth", key: "user", message: "Too many account requests" },
  body: { schema: z.object({ password: z.string().min(1).max(128) }), maxBodyBytes: 1_024 },
  handle: async ({ request, user, body }) => {
    await requireFreshSession(request.headers, user.id, "delete your account");
    await deleteAccount(request.headers, user.id, body.password);
    const headers = new Headers({ "cache-control": "no-store" });
    for (const cookie of await expiredAuthCookies()) headers.append("set-cookie", cookie);
    return new Response(null, { status: 204, headers });
  },
});
