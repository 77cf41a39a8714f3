import { z } from "zod";
import { requestPasswordReset } from "@/lib/auth/password-reset";
import { validatedRoute } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST { email }: mails a reset link when an account uses that address. The answer is the same
// (and takes about as long) either way. Limited per client address and per e-mail address.
export const POST = validatedRoute({
  name: "account/password-reset",
  session: "optional",
  rateLimit: { bucket: "auth", key: "client", message: "Too many reset requests" },
  body: { schema: z.object({ email: z.email().max(254) }), maxBodyBytes: 1_024 },
  handle: ({ body }) => requestPasswordReset(body.email),
});
