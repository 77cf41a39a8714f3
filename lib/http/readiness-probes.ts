import type { Redis } from "ioredis";
import { getPrisma } from "@/lib/db/client";
import { getDriver } from "@/lib/neo4j/driver";
import type { ReadinessProbe } from "./readiness";
import { onShutdown } from "./shutdown";

// The dependencies /api/ready probes, through the same clients the app uses (one Prisma client,
// one neo4j-driver), so "ready" means the app's own paths work. Redis gets one small client of
// its own: the rate limiter's client hides outages behind its in-memory fallback.

const REDIS = Symbol.for("courses.http.readinessRedis");
type GlobalWithRedis = typeof globalThis & { [REDIS]?: Promise<Redis> };

function readinessRedis(url: string): Promise<Redis> {
  const store = globalThis as GlobalWithRedis;
  store[REDIS] ??= import("ioredis").then(({ Redis }) => {
    const client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 1_000,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt) => Math.min(attempt * 500, 5_000),
    });
    // Errors surface through the probe's answer; an 'error' listener keeps them from crashing the process.
    client.on("error", () => undefined);
    onShutdown("readiness-redis", () => client.disconnect(), 40);
    return client;
  });
  return store[REDIS];
}

export function readinessProbes(
  env: NodeJS.ProcessEnv = process.env,
): Record<string, ReadinessProbe> {
  const probes: Record<string, ReadinessProbe> = {
    db: () => getPrisma().$queryRawUnsafe("SELECT 1"),
    cypher: () => getDriver().verifyConnectivity(),
  };
  const redisUrl = env.REDIS_URL;
  if (redisUrl) probes.redis = async () => (await readinessRedis(redisUrl)).ping();
  return probes;
}
