import { classIdSchema } from "@/lib/classes/schemas";
import { classFor } from "@/lib/classes/scope";
import { revokeJoinCode } from "@/lib/db/classes-repository";
import { databaseErrorResponse } from "@/lib/http/database-errors";
import { RouteError, validatedRoute } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST { classId }: replaces the class's join code; the old link then says it is no longer
// valid. Only the class's instructor (or an admin): 403 for anyone else's class; 429.
export const POST = validatedRoute({
  name: "instructor/classes/revoke",
  session: "required",
  signInMessage: "Sign in as an instructor to manage a class.",
  rateLimit: { bucket: "auth", key: "user", message: "Too many class changes" },
  body: { schema: classIdSchema, maxBodyBytes: 1024 },
  handle: async ({ user, body }) => {
    if (user.role !== "instructor" && user.role !== "admin")
      throw new RouteError(403, "Only instructors and admins can manage classes.");
    const found = await classFor(user, body.classId);
    if (!found.ok)
      throw new RouteError(
        found.status,
        found.status === 404
          ? "There is no such class."
          : "This class belongs to another instructor.",
      );
    const joinCode = await revokeJoinCode(found.cls.id);
    if (!joinCode) throw new RouteError(404, "There is no such class.");
    return { joinCode };
  },
  mapError: (error) => databaseErrorResponse(error, "The database is unavailable; try again."),
});
