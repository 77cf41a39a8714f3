import { invalidateAnalytics } from "@/lib/cache/app-cache";
import { joinSchema } from "@/lib/classes/schemas";
import { joinClassByCode } from "@/lib/db/classes-repository";
import { databaseErrorResponse } from "@/lib/http/database-errors";
import { RouteError, validatedRoute } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST { code }: the signed-in learner joins the class of a join link (/join/<code>). Joining
// twice is harmless; an unknown or revoked code answers 404 with the link's own message; 429.
export const POST = validatedRoute({
  name: "classes/join",
  session: "required",
  signInMessage: "Sign in to join this class.",
  // A join code is a secret: whoever holds it joins the class. Every attempt counts, found or
  // not, so nobody can try codes quickly. Per account is enough: joining needs a session, and
  // new accounts are themselves limited per client address (the same "auth" bucket).
  rateLimit: { bucket: "auth", key: "user", message: "Too many attempts to join a class" },
  body: { schema: joinSchema, maxBodyBytes: 1024 },
  handle: async ({ user, body }) => {
    const joined = await joinClassByCode(body.code, user.id);
    if (!joined) throw new RouteError(404, "This join link is no longer valid.");
    // The class's cached analytics must now count this learner's earlier progress too.
    if (!joined.alreadyMember) await invalidateAnalytics();
    return {
      classId: joined.class.id,
      name: joined.class.name,
      alreadyMember: joined.alreadyMember,
    };
  },
  mapError: (error) => databaseErrorResponse(error, "The database is unavailable; try again."),
});
