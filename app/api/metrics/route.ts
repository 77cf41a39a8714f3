import { logger } from "@/lib/http/log";
import { metricsResponse, readMetricsEnv } from "@/lib/metrics/exposition";
import { appMetrics } from "@/lib/metrics/metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Prometheus scrape target. Not a validatedRoute on purpose (like /api/ready): a scraper has no
 * session or origin, and metrics must answer while the database is down. Its own check is the
 * bearer token (lib/metrics/exposition.ts).
 */
export async function GET(request: Request): Promise<Response> {
  try {
    return await metricsResponse(request, readMetricsEnv(), appMetrics().registry);
  } catch (error) {
    logger.error({ err: error }, "metrics: exposition failed");
    return new Response("Metrics are unavailable: see the server log.\n", {
      status: 500,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
}
