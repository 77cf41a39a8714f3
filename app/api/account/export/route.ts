import { exportAccount, requireFreshSession } from "@/lib/account/account";
import { validatedRoute } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET: the signed-in learner's data as a JSON download (their user record without secrets,
// every cell state, exercise attempt and lesson record). Needs a recent sign-in (403 otherwise).
export const GET = validatedRoute({
  name: "account/export",
  session: "required",
  rateLimit: { bucket: "auth", key: "user", message: "Too many account requests" },
  handle: async ({ request, user }) => {
    await requireFreshSession(request.headers, user.id, "download your data");
    const data = await exportAccount(user.id);
    const day = data.exportedAt.slice(0, 10);
    return new Response(JSON.stringify(data, null, 2), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="courses-my-data-${day}.json"`,
        "cache-control": "no-store",
      },
    });
  },
});
