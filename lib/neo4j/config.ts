/**
 * Where Cypher cells go. With NEO4J_URI set, a real Neo4j (Community, Enterprise, Aura);
 * without it, the embedded Bolt server the process started and registered with
 * `registerEmbeddedNeo4j` (instrumentation.ts).
 */
import "server-only";
import { z } from "zod";

const Neo4jEnv = z.object({
  NEO4J_URI: z
    .string()
    .trim()
    .regex(
      /^(bolt|neo4j)(\+s|\+ssc)?:\/\/\S+$/,
      "NEO4J_URI must look like bolt://host:7687 or neo4j+s://host",
    )
    .optional()
    .or(z.literal("").transform(() => undefined)),
  NEO4J_USER: z.string().trim().min(1).default("neo4j"),
  NEO4J_PASSWORD: z.string().optional(),
  NEO4J_DATABASE: z.string().trim().min(1).optional(),
});

export interface Neo4jConfig {
  /** undefined: no Neo4j configured (the embedded server has not been started in this process tree). */
  uri: string | undefined;
  user: string;
  password: string | undefined;
  database: string | undefined;
}

export function parseNeo4jConfig(env: Record<string, string | undefined>): Neo4jConfig {
  const parsed = Neo4jEnv.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `Invalid Neo4j settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  const e = parsed.data;
  return {
    uri: e.NEO4J_URI,
    user: e.NEO4J_USER,
    password: e.NEO4J_PASSWORD,
    database: e.NEO4J_DATABASE,
  };
}

// On globalThis: instrumentation and the route handlers are separate module instances in Next.
const globalForConfig = globalThis as unknown as { __coursesEmbeddedNeo4j?: Neo4jConfig };

/** The embedded server this process started, used while the environment names no Neo4j. */
export function registerEmbeddedNeo4j(
  server: { uri: string; user: string; password: string } | null,
): void {
  globalForConfig.__coursesEmbeddedNeo4j = server ? { ...server, database: undefined } : undefined;
}

export function neo4jConfig(env: Record<string, string | undefined> = process.env): Neo4jConfig {
  const configured = parseNeo4jConfig(env);
  return configured.uri ? configured : (globalForConfig.__coursesEmbeddedNeo4j ?? configured);
}
