/**
 * `npm run rust:run -- <cargo-project-dir> [--test] [--json]`: runs a project through exactly
 * the runner the server action uses (same validation, queue, sandbox and limits).
 * Exit code: 0 when the status is "ok", 1 otherwise, 2 for bad usage.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { readProjectDir } from "../lib/rust-sandbox/project-dir";
import { runRustProject } from "../lib/rust-sandbox/runner";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith("--")));
  const positional = args.filter((a) => !a.startsWith("--"));
  const unknown = [...flags].filter((f) => f !== "--test" && f !== "--json");
  const dir = positional[0];
  if (!dir || positional.length > 1 || unknown.length > 0) {
    console.error("usage: npm run rust:run -- <cargo-project-dir> [--test] [--json]");
    return 2;
  }
  const root = path.resolve(dir);
  if (!existsSync(path.join(root, "Cargo.toml"))) {
    console.error(`no Cargo.toml in ${root}`);
    return 2;
  }
  const result = await runRustProject(readProjectDir(root), {
    mode: flags.has("--test") ? "test" : "run",
    onQueuePosition: (position) => {
      if (position > 0 && !flags.has("--json"))
        console.error(`waiting for a build slot: position ${position}`);
    },
  });
  if (flags.has("--json")) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    if (result.stdout)
      process.stdout.write(result.stdout.endsWith("\n") ? result.stdout : `${result.stdout}\n`);
    if (result.stderr)
      process.stderr.write(result.stderr.endsWith("\n") ? result.stderr : `${result.stderr}\n`);
    for (const d of result.diagnostics)
      console.error(`${d.severity}: ${d.file}:${d.line}:${d.column}: ${d.message}`);
    const exit = result.exitCode === null ? "" : ` exit=${result.exitCode}`;
    console.error(
      `status=${result.status}${exit} compile=${result.compileMs}ms run=${result.runMs}ms${result.message ? ` — ${result.message}` : ""}`,
    );
  }
  return result.status === "ok" ? 0 : 1;
}

// exitCode, not exit(): exit() would cut off output still queued for a pipe.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
