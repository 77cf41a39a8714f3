import { z } from "zod";
import { exerciseCsv, lessonCsv } from "@/lib/instructor/analytics-model";
import { loadTracksAnalytics } from "@/lib/instructor/load-analytics";
import { instructorOrResponse } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";
import { analyticsScopeFor } from "@/lib/classes/scope";

export const dynamic = "force-dynamic";

const querySchema = z.object({
  kind: z.enum(["exercises", "lessons"]).default("exercises"),
  class: z.string().min(1).max(100).optional(),
});

/**
 * CSV of every exercise's or every lesson's figures (instructors and admins only), over the
 * learners the viewer may see: an instructor's classes (or the one in `class=`), everyone for
 * admins. Another instructor's class answers 403.
 */
export async function GET(request: Request): Promise<Response> {
  const user = await instructorOrResponse(request);
  if (user instanceof Response) return user;
  const params = new URL(request.url).searchParams;
  const parsed = querySchema.safeParse({
    kind: params.get("kind") ?? undefined,
    class: params.get("class") ?? undefined,
  });
  if (!parsed.success)
    return Response.json(
      { error: "kind is exercises or lessons; class is a class id" },
      { status: 422 },
    );
  const access = await analyticsScopeFor(user, parsed.data.class);
  if ("refused" in access)
    return Response.json(
      {
        error:
          access.refused === 404
            ? "There is no such class."
            : "This class belongs to another instructor.",
      },
      { status: access.refused, headers: { "cache-control": "no-store" } },
    );
  const catalog = readCatalog();
  const chapters = await loadTracksAnalytics(catalog, catalog.tracks, access.scope);
  const csv =
    parsed.data.kind === "exercises"
      ? exerciseCsv(chapters.flatMap((c) => c.exercises))
      : lessonCsv(
          chapters.flatMap((c) =>
            c.steps.map((step) => ({ track: c.track.slug, chapter: c.chapter.slug, step })),
          ),
        );
  const day = new Date().toISOString().slice(0, 10);
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="courses-${parsed.data.kind}-${day}.csv"`,
      "cache-control": "no-store",
    },
  });
}
