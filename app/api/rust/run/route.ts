import { validatedRoute } from "@/lib/http/route";
import {
  MAX_RUST_BODY_BYTES,
  rustRunBodySchema,
  SIGN_IN_TO_RUN,
  startRustRun,
} from "@/lib/cells/rust/rust-run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/rust/run: build and run, test, or check a lesson's Rust cell. A build costs this
// server seconds of CPU, so running is for accounts, limited per learner
// (RUST_RATE_LIMIT_PER_MINUTE). Answers with NDJSON: queue positions, then the result.
export const POST = validatedRoute({
  name: "rust/run",
  session: "required",
  signInMessage: SIGN_IN_TO_RUN,
  rateLimit: { bucket: "rust", key: "user", message: "Too many runs in a short time" },
  body: { schema: rustRunBodySchema, maxBodyBytes: MAX_RUST_BODY_BYTES },
  handle: async ({ body, user, request }) => startRustRun(body, user, request.signal),
});
