// Runs `prisma generate` offline. Prisma 7's CLI tries to download its native schema engine
// before any command; generating the client does not use that engine, and the CLI accepts any
// existing file in PRISMA_SCHEMA_ENGINE_BINARY instead of downloading. No postinstall hook:
// build, test and typecheck call `npm run db:generate` explicitly.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const placeholderEngine =
  process.env.PRISMA_SCHEMA_ENGINE_BINARY && existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY)
    ? process.env.PRISMA_SCHEMA_ENGINE_BINARY
    : fileURLToPath(import.meta.url);

const child = spawn(
  process.execPath,
  [cli, "generate", "--schema", "prisma/schema.prisma", ...process.argv.slice(2)],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: placeholderEngine,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
      PRISMA_GENERATE_NO_HINTS: "1",
    },
  },
);
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
});
