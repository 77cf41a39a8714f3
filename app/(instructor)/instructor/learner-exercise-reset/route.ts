import { z } from "zod";
import { instructorOrResponse } from "@/lib/auth/instructor";
import { resetLearnerExercise } from "@/lib/db/analytics-repository";
import { isMemberOfAny, listClasses } from "@/lib/db/classes-repository";
import { RouteError, validatedRoute } from "@/lib/http/route";
import { logger } from "@/lib/http/log";

export const dynamic = "force-dynamic";

const bodySchema = z.object({
  userId: z.string().min(1).max(200),
  lessonKey: z.string().min(1).max(300),
  cellId: z.string().min(1).max(100),
});

/**
 * An instructor resets one learner's exercise: their code back to the starter, the exercise's
 * attempts removed, the lesson no longer completed. Instructors may reset learners of their own
 * classes (admins anyone); every reset is written to the log as an audit line.
 */
export const POST = validatedRoute({
  name: "instructor.learner-exercise-reset",
  session: "required",
  signInMessage: "Sign in as an instructor to use this.",
  rateLimit: { bucket: "auth", key: "user", message: "Too many exercise resets" },
  body: { schema: bodySchema, maxBodyBytes: 2_000 },
  async handle({ request, body }) {
    const user = await instructorOrResponse(request);
    if (user instanceof Response) return user;
    if (user.role !== "admin") {
      const mine = (await listClasses(user.id)).map((c) => c.id);
      if (!(await isMemberOfAny(mine, body.userId)))
        throw new RouteError(404, "There is no such learner in your classes.");
    }
    const result = await resetLearnerExercise(body.userId, body.lessonKey, body.cellId);
    logger.info(
      {
        audit: "learner-exercise-reset",
        by: user.id,
        byEmail: user.email,
        learner: body.userId,
        lessonKey: body.lessonKey,
        cellId: body.cellId,
        ...result,
      },
      "instructor reset a learner's exercise",
    );
    return result;
  },
});
