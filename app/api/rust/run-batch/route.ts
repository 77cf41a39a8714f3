import { validatedRoute } from "@/lib/http/route";
import { runRustBuild, rustBuildStatus } from "@/lib/rust-sandbox/build-service";
import { recordServerVerdict } from "@/lib/progress/verdicts";
import { SIGN_IN_TO_RUN } from "@/lib/cells/rust/rust-run";
import {
  MAX_RUST_BATCH_BODY_BYTES,
  rustBatchBodySchema,
  startRustBatch,
} from "@/lib/cells/rust/rust-run-batch";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/rust/run-batch: "Run all" for one Cargo project (or the lesson's cells without a
// project). One request, so one unit of the learner's rate limit (RUST_RATE_LIMIT_PER_MINUTE);
// identical builds are done once. Answers with NDJSON: queue positions, each cell's result, done.
export const POST = validatedRoute({
  name: "rust/run-batch",
  session: "required",
  signInMessage: SIGN_IN_TO_RUN,
  rateLimit: { bucket: "rust", key: "user", message: "Too many runs in a short time" },
  body: { schema: rustBatchBodySchema, maxBodyBytes: MAX_RUST_BATCH_BODY_BYTES },
  handle: async ({ body, user, request }) =>
    startRustBatch(body, user, request.signal, {
      run: runRustBuild,
      record: recordServerVerdict,
      status: rustBuildStatus,
    }),
});
