/**
 * Runs once per server process before the first request (Node runtime only; not during
 * `next build`). Starts what the environment does not provide: the embedded database when
 * DATABASE_URL is unset, the embedded Cypher server behind Bolt when NEO4J_URI is unset.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { registerProgressServices } = await import("./lib/progress/register");
  await registerProgressServices();
  if (!process.env.NEO4J_URI) {
    const { startEmbeddedCypher } = await import("./lib/neo4j/embedded");
    const cypher = await startEmbeddedCypher({ dataDir: process.env.CYPHER_DATA_DIR });
    process.env.NEO4J_URI = cypher.uri;
    process.env.NEO4J_USER = cypher.user;
    process.env.NEO4J_PASSWORD = cypher.password;
    console.log(`[cypher] embedded openCypher engine on ${cypher.uri}`);
    const stop = () => void cypher.close();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  }
}
