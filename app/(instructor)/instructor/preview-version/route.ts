import { stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { instructorOrResponse } from "@/lib/auth/instructor";
import { contentRoot, readCatalog } from "@/lib/content/catalog";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  key: z
    .string()
    .regex(/^[a-z0-9-]+\/[a-z0-9-]+\/[a-z0-9-]+$/, "key is <track>/<chapter>/<lesson>"),
});

/** The lesson file's modification time, for the preview's reload-on-save (instructors only). */
export async function GET(request: Request): Promise<Response> {
  const user = await instructorOrResponse(request);
  if (user instanceof Response) return user;
  const parsed = querySchema.safeParse({ key: new URL(request.url).searchParams.get("key") });
  if (!parsed.success)
    return Response.json({ error: parsed.error.issues[0]?.message }, { status: 422 });
  // The file comes from the catalogue, never from the query: no path is built from input.
  const lesson = readCatalog().lessons.get(parsed.data.key);
  if (!lesson) return Response.json({ error: "no such lesson" }, { status: 404 });
  const info = await stat(path.join(contentRoot(), lesson.meta.file));
  return Response.json({ mtimeMs: info.mtimeMs }, { headers: { "cache-control": "no-store" } });
}
