import { validatedRoute } from "@/lib/http/route";
import { cancelRustRun, rustCancelBodySchema } from "@/lib/cells/rust/rust-run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/rust/cancel { ticket }: the learner's Stop. Not rate-limited (stopping work never
// costs the server); only the learner who started a run may stop it.
export const POST = validatedRoute({
  name: "rust/cancel",
  session: "required",
  signInMessage: "Sign in to stop a Rust run.",
  body: { schema: rustCancelBodySchema, maxBodyBytes: 1_000 },
  handle: async ({ body, user }) => cancelRustRun(body.ticket, user),
});
