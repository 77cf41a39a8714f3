import { z } from "zod";
import { describeRoleChange, roleSchema } from "@/lib/auth/role-change";
import { databaseErrorResponse } from "@/lib/http/database-errors";
import { RouteError, validatedRoute } from "@/lib/http/route";
import { changeUserRole } from "@/lib/db/roles-repository";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const bodySchema = z.object({ userId: z.string().min(1).max(200), role: roleSchema });

// POST { userId, role }: an admin changes someone's role (/admin/users). The change and who made
// it are recorded; demoting the last admin is refused (409). The session is read fresh from the
// database (POST), so a demoted admin is refused at once; 429.
export const POST = validatedRoute({
  name: "admin/users/role",
  session: "required",
  signInMessage: "Sign in as an admin to change roles.",
  rateLimit: { bucket: "auth", key: "user", message: "Too many role changes" },
  body: { schema: bodySchema, maxBodyBytes: 1024 },
  handle: async ({ user, body }) => {
    if (user.role !== "admin") throw new RouteError(403, "Only admins can change roles.");
    const outcome = await changeUserRole({ userId: body.userId }, body.role, {
      label: user.email,
      userId: user.id,
    });
    const { ok, message } = describeRoleChange(outcome);
    if (!ok) throw new RouteError(outcome.status === "last-admin" ? 409 : 404, message);
    return { status: outcome.status, message };
  },
  mapError: (error) => databaseErrorResponse(error, "The database is unavailable; try again."),
});
