/**
 * The Node.js part of instrumentation.ts: imported only when NEXT_RUNTIME is "nodejs", so the
 * Edge compile of instrumentation.ts never sees these Node APIs (process signals, sockets,
 * files) and `next dev` does not warn about them on every request.
 */
export async function registerNode() {
  const { flushLogs, logger } = await import("./lib/http/log");
  const { installFallbackSignalHandlers, onShutdown } = await import("./lib/http/shutdown");
  // Under `next dev` / `next start` nobody drains HTTP for us; still close what we open.
  installFallbackSignalHandlers((level, message, fields) => logger[level]({ ...fields }, message));
  onShutdown("logs", flushLogs, 100);
  const { registerProgressServices } = await import("./lib/progress/register");
  await registerProgressServices();
  if (process.env.NODE_ENV === "production") {
    // The catalogue (every lesson's Markdown, parsed) is read once per process: here, before the
    // first request, rather than in the first learner's sync or page (~0.9 s of one core here,
    // during which every other request waited: the paced sync benchmark's p99).
    const { getCatalog } = await import("./lib/content/catalog");
    try {
      getCatalog();
    } catch (error) {
      logger.error({ err: error }, "the course content could not be read at start");
    }
  }
  const { closeDriver } = await import("./lib/neo4j/driver");
  onShutdown("neo4j-driver", closeDriver, 20);
  if (!process.env.NEO4J_URI) {
    const { startEmbeddedCypher } = await import("./lib/neo4j/embedded");
    const cypher = await startEmbeddedCypher({ dataDir: process.env.CYPHER_DATA_DIR });
    const { registerEmbeddedNeo4j } = await import("./lib/neo4j/config");
    registerEmbeddedNeo4j(cypher);
    logger.info({ uri: cypher.uri }, "embedded openCypher engine started");
    onShutdown("embedded-cypher", () => cypher.close(), 30);
  }
}
