/**
 * Runs once per server process before the first request (Node runtime only; not during
 * `next build`). Starts what the environment does not provide: the embedded database when
 * DATABASE_URL is unset, the embedded Cypher server behind Bolt when NEO4J_URI is unset.
 * Everything started here is closed through the shutdown registry, after HTTP has drained.
 */
export async function register() {
  // The condition around the import (not an early return) lets the Edge bundle drop it.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { registerNode } = await import("./instrumentation-node");
    await registerNode();
  }
}
