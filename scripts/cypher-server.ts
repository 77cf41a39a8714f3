/**
 * Standalone embedded Cypher server speaking Bolt 5, for any Bolt client (neo4j-driver in any
 * language, cypher-shell, Neo4j Browser):
 *   npm run cypher:server -- --port 7687 --user neo4j --password <pw> [--host 0.0.0.0] [--data <dir>]
 *                             [--tls-cert cert.pem --tls-key key.pem]   (then clients use bolt+s:// or neo4j+s://)
 * The password may also come from NEO4J_PASSWORD (keeps it out of `ps`); without either, a random
 * one is generated and printed.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startBoltServer } from "@courses/cypher/bolt";

const Args = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(7687),
  host: z.string().min(1).default("127.0.0.1"),
  user: z.string().min(1).default("neo4j"),
  password: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  "max-tx-seconds": z.coerce.number().positive().default(5),
  "tls-cert": z.string().min(1).optional(),
  "tls-key": z.string().min(1).optional(),
  "exit-with-parent": z.boolean().default(false),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      user: { type: "string" },
      password: { type: "string" },
      data: { type: "string" },
      "max-tx-seconds": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      // Set by the app's supervisor (lib/neo4j/embedded.ts): a parent killed outright (OOM
      // killer, kill -9, a crash at start) runs no cleanup, and this server would live on.
      "exit-with-parent": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      "usage: npm run cypher:server -- [--port 7687] [--host 127.0.0.1] [--user neo4j] [--password <pw>] [--data <dir>] [--max-tx-seconds 5] [--tls-cert cert.pem --tls-key key.pem]",
    );
    return;
  }
  const args = Args.parse(values);
  if (Boolean(args["tls-cert"]) !== Boolean(args["tls-key"]))
    throw new Error("--tls-cert and --tls-key go together");
  const tls =
    args["tls-cert"] && args["tls-key"]
      ? { cert: readFileSync(args["tls-cert"]), key: readFileSync(args["tls-key"]) }
      : undefined;
  const fromEnv = process.env.NEO4J_PASSWORD || undefined;
  const generated = args.password === undefined && fromEnv === undefined;
  const password = args.password ?? fromEnv ?? randomBytes(12).toString("base64url");
  const server = await startBoltServer({
    host: args.host,
    port: args.port,
    user: args.user,
    password,
    dataDir: args.data,
    maxTxTimeoutMs: args["max-tx-seconds"] * 1000,
    tls,
    log: (m) => console.error(m),
  });
  console.log(
    `Cypher server (Bolt 5.0–5.4, TCP and WebSocket${tls ? ", TLS" : ""}) listening on ${tls ? "bolt+s" : "bolt"}://${args.host}:${server.port}`,
  );
  console.log(`user: ${args.user}`);
  console.log(
    generated
      ? `password: ${password}  (generated; pass --password to choose one)`
      : "password: (as given)",
  );
  console.log(`ready port=${server.port}`);
  console.log(
    args.data
      ? `data: ${args.data} (committed writes are saved)`
      : "data: in memory only (pass --data <dir> to keep the graph)",
  );
  const stop = async (): Promise<void> => {
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  if (args["exit-with-parent"]) {
    // An orphan is adopted by init (or a subreaper): its parent process id changes.
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent) void stop();
    }, 500).unref();
  }
}

main().catch((e: unknown) => {
  console.error(`cypher-server: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
