/**
 * The one neo4j-driver instance of the process, cached on globalThis so that Next's separate
 * bundles (pages, actions, route handlers) and dev-mode reloads share its connection pool.
 */
import "server-only";
import neo4j, { type Driver } from "neo4j-driver";
import { neo4jConfig, type Neo4jConfig } from "./config";

interface Cached {
  driver: Driver;
  key: string;
}
const globalForNeo4j = globalThis as unknown as { __coursesNeo4j?: Cached };

class Neo4jNotConfiguredError extends Error {
  constructor() {
    super(
      "No graph database is configured: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD), or start the app with `npm start`, which runs the embedded Cypher server.",
    );
    this.name = "Neo4jNotConfiguredError";
  }
}

export function getDriver(config: Neo4jConfig = neo4jConfig()): Driver {
  if (!config.uri) throw new Neo4jNotConfiguredError();
  const key = `${config.uri}\u0000${config.user}\u0000${config.password ?? ""}`;
  const cached = globalForNeo4j.__coursesNeo4j;
  if (cached && cached.key === key) return cached.driver;
  if (cached) void cached.driver.close();
  const driver = neo4j.driver(config.uri, neo4j.auth.basic(config.user, config.password ?? ""), {
    maxConnectionPoolSize: 50,
    connectionAcquisitionTimeout: 10_000,
    // Learners' integers stay exact; results are formatted from bigint.
    useBigInt: true,
  });
  globalForNeo4j.__coursesNeo4j = { driver, key };
  return driver;
}

export async function closeDriver(): Promise<void> {
  const cached = globalForNeo4j.__coursesNeo4j;
  globalForNeo4j.__coursesNeo4j = undefined;
  if (cached) await cached.driver.close();
}
