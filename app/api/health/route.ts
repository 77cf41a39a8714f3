export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Liveness: the process serves requests. Deliberately touches nothing else, so a database
 * outage never makes an orchestrator restart healthy instances; /api/ready checks dependencies.
 */
export function GET(): Response {
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
