import { json } from "@/lib/http/request-guards";
import { logger } from "@/lib/http/log";
import { checkReadiness } from "@/lib/http/readiness";
import { readinessProbes } from "@/lib/http/readiness-probes";
import { isShuttingDown } from "@/lib/http/shutdown";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const PROBE_TIMEOUT_MS = 2_000;

/** Readiness for load balancers: 200 when the database, Redis (if configured) and Cypher answer; 503 naming what failed. */
export async function GET(): Promise<Response> {
  if (isShuttingDown())
    return json({ ok: false, error: "shutting down" }, 503, { "retry-after": "1" });
  const readiness = await checkReadiness(readinessProbes(), PROBE_TIMEOUT_MS);
  if (!readiness.ok) logger.warn({ checks: readiness.checks }, "not ready");
  return json(readiness, readiness.ok ? 200 : 503);
}
