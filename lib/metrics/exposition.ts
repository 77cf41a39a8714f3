import { timingSafeEqual, createHash } from "node:crypto";
import { z } from "zod";
import type { Registry } from "prom-client";

// GET /api/metrics: the Prometheus text exposition, for a scraper holding METRICS_TOKEN.
// Without METRICS_TOKEN the endpoint does not exist (404): metrics name routes and load, which
// is nobody's business unless an operator opted in. With it, a request must carry
// `Authorization: Bearer <token>`; a missing or wrong token gets 401 and nothing else.

const metricsEnvSchema = z.object({
  METRICS_TOKEN: z
    .string()
    .min(24, "METRICS_TOKEN must be at least 24 characters (e.g. `openssl rand -hex 24`)")
    .regex(/^[\x21-\x7e]+$/, "METRICS_TOKEN must be printable ASCII without spaces")
    .optional(),
});

export type MetricsEnv = { token: string | undefined };

export function readMetricsEnv(env: Record<string, string | undefined> = process.env): MetricsEnv {
  const parsed = metricsEnvSchema.safeParse({ METRICS_TOKEN: env.METRICS_TOKEN || undefined });
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => issue.message).join("; ");
    throw new Error(`Invalid metrics configuration: ${detail}`);
  }
  return { token: parsed.data.METRICS_TOKEN };
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compares in constant time (hashes first, so the lengths always match). */
export function bearerMatches(authorization: string | null, token: string): boolean {
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization?.trim() ?? "");
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(token));
}

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
  new Response(`${text}\n`, {
    status,
    headers: {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "no-store",
      ...headers,
    },
  });

export async function metricsResponse(
  request: Request,
  env: MetricsEnv,
  registry: Registry,
): Promise<Response> {
  if (!env.token)
    return plain(404, "Not found: metrics are off (set METRICS_TOKEN to serve them).");
  if (!bearerMatches(request.headers.get("authorization"), env.token))
    return plain(401, "Metrics need `Authorization: Bearer <METRICS_TOKEN>`.", {
      "www-authenticate": 'Bearer realm="metrics"',
    });
  return new Response(await registry.metrics(), {
    status: 200,
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
