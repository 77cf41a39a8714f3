import { readCatalog } from "@/lib/content/catalog";
import { newClassSchema } from "@/lib/classes/schemas";
import { createClass } from "@/lib/db/classes-repository";
import { databaseErrorResponse } from "@/lib/http/database-errors";
import { RouteError, validatedRoute } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST { name, startsOn?, endsOn?, tracks }: an instructor (or admin) creates a class they teach.
// Answers { id, joinCode }; 422 names the field that is wrong (unknown tracks included); 429.
export const POST = validatedRoute({
  name: "instructor/classes",
  session: "required",
  signInMessage: "Sign in as an instructor to create a class.",
  rateLimit: { bucket: "auth", key: "user", message: "Too many class changes" },
  body: { schema: newClassSchema, maxBodyBytes: 8 * 1024 },
  handle: async ({ user, body }) => {
    if (user.role !== "instructor" && user.role !== "admin")
      throw new RouteError(403, "Only instructors and admins can create classes.");
    const known = new Set(readCatalog().tracks.map((t) => t.slug));
    const unknown = body.tracks.filter((slug) => !known.has(slug));
    if (unknown.length > 0)
      throw new RouteError(422, "The request is invalid.", {
        tracks: [`no such track: ${unknown.join(", ")}`],
      });
    const created = await createClass({ instructorId: user.id, ...body });
    return { id: created.id, joinCode: created.joinCode };
  },
  mapError: (error) => databaseErrorResponse(error, "The database is unavailable; try again."),
});
