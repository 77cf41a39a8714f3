import { z } from "zod";
import { instructorOrResponse } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";
import { RouteError, validatedRoute } from "@/lib/http/route";
import { logger } from "@/lib/http/log";
import {
  currentLessonHash,
  lessonCheckStatus,
  readContentCheck,
} from "@/lib/instructor/content-check-result";
import { runLessonCheck } from "@/lib/instructor/lesson-check";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ key: z.string().min(1).max(300) });

/**
 * "Check this lesson" (instructors and admins): runs the lesson's cells as content:check does and
 * answers with the script's report and the saved result for the file as it is now.
 */
export const POST = validatedRoute({
  name: "instructor.lesson-check",
  session: "required",
  signInMessage: "Sign in as an instructor to use this.",
  rateLimit: { bucket: "auth", key: "user", message: "Too many lesson checks" },
  body: { schema: bodySchema, maxBodyBytes: 2_000 },
  async handle({ request, body }) {
    const user = await instructorOrResponse(request);
    if (user instanceof Response) return user;
    const lesson = readCatalog().lessons.get(body.key);
    if (!lesson) throw new RouteError(404, `There is no lesson "${body.key}".`);
    const run = await runLessonCheck(body.key);
    if (run.state === "busy")
      throw new RouteError(
        409,
        `A check of "${run.running}" is running; try again when it has finished.`,
      );
    logger.info(
      { audit: "lesson-check", by: user.id, lessonKey: body.key, exitCode: run.exitCode },
      "instructor ran a lesson check",
    );
    const saved = await readContentCheck();
    const status = lessonCheckStatus(
      saved.state === "ok" ? saved.lessons.get(body.key) : undefined,
      await currentLessonHash(lesson.meta.file),
    );
    return {
      key: body.key,
      status: status.state === "current" ? status.result.status : "not-checked",
      timedOut: run.timedOut,
      output: run.output,
    };
  },
});
