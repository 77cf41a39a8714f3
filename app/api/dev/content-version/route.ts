import { contentRoot } from "@/lib/content/catalog";
import { contentTreeVersion } from "@/lib/content/content-version";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * `next dev` only: the content folder's version, polled by lesson pages so that a saved lesson
 * shows at once (components/instructor/live-reload.tsx). Production serves the built lessons and
 * answers 404 here. Plain on purpose (no session, no rate limit): it is polled every 400 ms by a
 * local author and says nothing but a hash.
 */
export function GET(): Response {
  if (process.env.NODE_ENV !== "development")
    return Response.json({ error: "only under next dev" }, { status: 404 });
  return Response.json(
    { version: contentTreeVersion(contentRoot()) },
    { headers: { "cache-control": "no-store" } },
  );
}
