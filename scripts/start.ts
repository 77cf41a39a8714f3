/**
 * `npm start`: builds when needed, starts the embedded services the environment does not
 * provide, then serves the production app on PORT (default 3000).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const root = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({ options: { port: { type: "string" }, "no-build": { type: "boolean" } } });
const port = Number(values.port ?? process.env.PORT ?? 3000);

const SOURCES = ["app", "components", "lib", "content", "public", "package-lock.json", "next.config.ts"];

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
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > builtAt);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

async function main() {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  if (!values["no-build"] && needsBuild()) {
    console.log("start: building the app (first start or sources changed)…");
    const code = await run("npm", ["run", "build"], env);
    if (code !== 0) process.exit(code);
  }
  const closers: (() => Promise<void>)[] = [];
  const next: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(port)], {
    cwd: root,
    stdio: "inherit",
    env: { ...env, NODE_ENV: "production" },
  });
  console.log(`start: serving on http://localhost:${port}`);
  const stop = async (code: number) => {
    next.kill("SIGTERM");
    await Promise.allSettled(closers.map((close) => close()));
    process.exit(code);
  };
  next.on("exit", (code) => void stop(code ?? 0));
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
}

void main();
