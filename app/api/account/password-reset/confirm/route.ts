import { z } from "zod";
import { resetPasswordWithToken } from "@/lib/auth/password-reset";
import { validatedRoute } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST { token, newPassword }: sets the password with a reset link's token (once, within the
// hour) and signs the account out everywhere. 400 names why a token does not work.
export const POST = validatedRoute({
  name: "account/password-reset/confirm",
  session: "optional",
  rateLimit: { bucket: "auth", key: "client", message: "Too many reset attempts" },
  body: {
    schema: z.object({
      token: z.string().min(1).max(256),
      newPassword: z.string().min(8, "At least 8 characters.").max(128, "At most 128 characters."),
    }),
    maxBodyBytes: 2_048,
  },
  handle: async ({ body }) => {
    await resetPasswordWithToken(body.token, body.newPassword);
    return { ok: true };
  },
});
