import { z } from "zod";
import { unavailableResponse, validatedRoute } from "@/lib/http/route";
import { getLessonProgressForUser } from "@/lib/progress/queries";
import { lessonKeySchema } from "@/lib/progress/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/progress?lesson=<lessonKey>: the caller's own saved state of one lesson. There is
// no user parameter: the session decides whose progress is read.
export const GET = validatedRoute({
  name: "progress",
  session: "required",
  signInMessage: "Sign in to load saved progress.",
  query: z.object({ lesson: lessonKeySchema }),
  handle: ({ user, query }) => getLessonProgressForUser(user.id, query.lesson),
  mapError: () => unavailableResponse("Progress storage is unavailable."),
});
