import { validatedRoute } from "@/lib/http/route";
import {
  cypherRunBodySchema,
  MAX_CYPHER_BODY_BYTES,
  runCypherRequest,
} from "@/lib/cells/cypher/cypher-run";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// POST /api/cypher/run: run a lesson's Cypher cell, or check an exercise against the lesson's
// own check. No account needed, so the limit is per client address; "Run all" on a long lesson
// fires a few dozen runs at once, hence the generous CYPHER_RATE_LIMIT_PER_MINUTE.
export const POST = validatedRoute({
  name: "cypher/run",
  session: "optional",
  rateLimit: { bucket: "cypher", key: "client", message: "Too many Cypher runs in a short time" },
  body: { schema: cypherRunBodySchema, maxBodyBytes: MAX_CYPHER_BODY_BYTES },
  handle: ({ body, user }) => runCypherRequest(body, user),
});
