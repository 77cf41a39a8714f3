import { json } from "@/lib/auth/request-guards";
import { getSessionFromHeaders } from "@/lib/auth/session";
import { getCatalogueProgress } from "@/lib/progress/queries";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/progress/lessons: where the caller is in every lesson they started (started,
// completed, last cell), for the catalogue's marks. The session decides whose.
export async function GET(request: Request): Promise<Response> {
  try {
    const user = await getSessionFromHeaders(request.headers);
    if (!user) return json({ error: "Sign in to load saved progress." }, 401);
    return json({ lessons: Object.values(await getCatalogueProgress(user.id)) });
  } catch (error) {
    console.error(`[progress] ${error instanceof Error ? error.message : String(error)}`);
    return json({ error: "Progress storage is unavailable." }, 503, { "retry-after": "2" });
  }
}
