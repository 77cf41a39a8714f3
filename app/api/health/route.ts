import { json } from "@/lib/auth/request-guards";
import { pingDatabase } from "@/lib/db/progress-reads";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Liveness for load balancers and the start script: 200 when the database answers. */
export async function GET(): Promise<Response> {
  const database = await pingDatabase();
  return json({ ok: database, database: database ? "up" : "down" }, database ? 200 : 503);
}
