import { validatedRoute } from "@/lib/http/route";
import { rustStatusFor } from "@/lib/cells/rust/rust-run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// GET /api/rust/status: whether this learner can run Rust here (a toolchain, a sandbox, then a
// session), asked when a notebook opens and when the learner signs in or out.
export const GET = validatedRoute({
  name: "rust/status",
  session: "optional",
  handle: async ({ user }) => rustStatusFor(user),
});
