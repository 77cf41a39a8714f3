import { instructorOrResponse } from "@/lib/auth/instructor";
import { contentRoot } from "@/lib/content/catalog";
import { contentTreeVersion } from "@/lib/content/content-version";

export const dynamic = "force-dynamic";

/**
 * The content folder's version, for the preview's reload-on-save (instructors only). It covers
 * every file, so a lesson whose front matter broke (and is no longer in the catalogue) still
 * reloads, and so do links into lessons that were renamed or fixed.
 */
export async function GET(request: Request): Promise<Response> {
  const user = await instructorOrResponse(request);
  if (user instanceof Response) return user;
  return Response.json(
    { version: contentTreeVersion(contentRoot()) },
    { headers: { "cache-control": "no-store" } },
  );
}
