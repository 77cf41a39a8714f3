import { json } from "@/lib/auth/request-guards";
import { getSessionFromHeaders } from "@/lib/auth/session";
import { getLessonProgressForUser } from "@/lib/progress/queries";
import { lessonKeySchema } from "@/lib/progress/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/progress?lesson=<lessonKey>: the caller's own saved state of one lesson. There is
// no user parameter: the session decides whose progress is read.
export async function GET(request: Request): Promise<Response> {
  let user;
  try {
    user = await getSessionFromHeaders(request.headers);
  } catch {
    return json({ error: "Progress storage is unavailable." }, 503, { "retry-after": "2" });
  }
  if (!user) return json({ error: "Sign in to load saved progress." }, 401);
  const lessonKey = lessonKeySchema.safeParse(new URL(request.url).searchParams.get("lesson") ?? "");
  if (!lessonKey.success) return json({ error: "Invalid lesson key.", fieldErrors: { lesson: lessonKey.error.issues.map((issue) => issue.message) } }, 422);
  try {
    return json(await getLessonProgressForUser(user.id, lessonKey.data));
  } catch (error) {
    console.error(`[progress] ${error instanceof Error ? error.message : String(error)}`);
    return json({ error: "Progress storage is unavailable." }, 503, { "retry-after": "2" });
  }
}
