import { unavailableResponse, validatedRoute } from "@/lib/http/route";
import { getCatalogProgress } from "@/lib/progress/queries";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/progress/lessons: where the caller is in every lesson they started (started,
// completed, last cell), for the catalogue's marks. The session decides whose.
export const GET = validatedRoute({
  name: "progress/lessons",
  session: "required",
  signInMessage: "Sign in to load saved progress.",
  handle: async ({ user }) => ({ lessons: Object.values(await getCatalogProgress(user.id)) }),
  mapError: () => unavailableResponse("Progress storage is unavailable."),
});
