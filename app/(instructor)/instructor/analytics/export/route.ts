import { z } from "zod";
import { exerciseCsv, lessonCsv } from "@/lib/instructor/analytics-model";
import { loadTracksAnalytics } from "@/lib/instructor/load-analytics";
import { instructorOrResponse } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";

export const dynamic = "force-dynamic";

const querySchema = z.object({ kind: z.enum(["exercises", "lessons"]).default("exercises") });

/** CSV of every exercise's or every lesson's figures (instructors and admins only). */
export async function GET(request: Request): Promise<Response> {
  const user = await instructorOrResponse(request);
  if (user instanceof Response) return user;
  const parsed = querySchema.safeParse({
    kind: new URL(request.url).searchParams.get("kind") ?? undefined,
  });
  if (!parsed.success)
    return Response.json({ error: "kind is exercises or lessons" }, { status: 422 });
  const catalog = readCatalog();
  const chapters = await loadTracksAnalytics(catalog, catalog.tracks);
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
