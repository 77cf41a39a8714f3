/**
 * `npm start`: builds when needed, then serves the production app on PORT (default 3000) with
 * our own HTTP server (lib/http/server.ts) in this process. Next's instrumentation starts the
 * embedded services the environment does not provide; a stop signal drains requests first and
 * closes them after.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { logger } from "../lib/http/log";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    port: { type: "string" },
    hostname: { type: "string" },
    "no-build": { type: "boolean" },
  },
});
const port = Number(values.port ?? process.env.PORT ?? 3000);

const SOURCES = [
  "app",
  "components",
  "lib",
  "content",
  "public",
  "package-lock.json",
  "next.config.ts",
  "instrumentation.ts",
];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** A build is needed when there is none, or when a source file changed after it. */
function needsBuild(): boolean {
  const buildId = path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > builtAt);
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    logger.fatal(`start: "${values.port ?? process.env.PORT}" is not a port number.`);
    process.exit(2);
  }
  if (!values["no-build"] && needsBuild()) {
    logger.info("start: building the app (first start or sources changed)");
    const code = await run("npm", ["run", "build"]);
    if (code !== 0) process.exit(code);
  }
  // Before Next (and React) load: they pick their production code paths from NODE_ENV; the
  // app derives its own origin (trusted for sign-in and the API) from PORT.
  Object.assign(process.env, { NODE_ENV: "production", PORT: String(port) });
  // tsx (which runs this file) turns on Node's source-map support for the whole process. Next's
  // server chunks come with 27 MB of maps that Node would then read and keep as modules load:
  // 60-80 MB more live heap for every full GC to mark (96-97 MB after a full GC without them,
  // 150-181 MB with; docs/benchmarks/progress.md). Production runs without them, as `next start` does;
  // NODE_OPTIONS=--enable-source-maps keeps them on for debugging.
  if (
    !`${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`.includes(
      "--enable-source-maps",
    )
  )
    process.setSourceMapsEnabled(false);
  const { startProductionServer } = await import("../lib/http/server");
  await startProductionServer({ dir: root, port, hostname: values.hostname });
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, "start: the server could not start");
  logger.flush(() => process.exit(1));
});
