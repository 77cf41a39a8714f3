/**
 * openCypher TCK runner: `npm run tck -- [features-dir] [--bolt] [--filter text]`.
 * Prints a per-folder table and `tck: N passed, M failed`; failures go to tck-failures.txt.
 */
import { existsSync, writeFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createBoltExecutor,
  createInProcessExecutor,
  folderTable,
  runFeatures,
  type TckExecutor,
} from "@courses/cypher/tck";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const bolt = args.includes("--bolt");
const dirArg = args.find((a) => !a.startsWith("--"));
const dir = resolve(
  dirArg ?? process.env.CYPHER_TCK_DIR ?? resolve(root, "vendor/cypher-tck/features"),
);

async function makeExecutor(): Promise<TckExecutor> {
  return bolt ? await createBoltExecutor() : createInProcessExecutor();
}

async function main(): Promise<void> {
  if (!existsSync(dir)) {
    console.error(`tck: features folder not found: ${dir} (pass a folder or set CYPHER_TCK_DIR)`);
    process.exit(2);
  }
  const ex = await makeExecutor();
  const tty = process.stderr.isTTY;
  const started = Date.now();
  const results = await runFeatures(dir, ex, (done, total, passed) => {
    if (!tty || (done % 10 !== 0 && done !== total)) return;
    const w = 30;
    const filled = Math.round((done / total) * w);
    process.stderr.write(
      `\r[${"#".repeat(filled)}${"-".repeat(w - filled)}] ${done}/${total} passed ${passed}`,
    );
    if (done === total) process.stderr.write("\n");
  });
  await ex.close();
  const table = folderTable(results);
  const width = Math.max(...table.map((t) => t.folder.length), 6);
  console.log(`${"folder".padEnd(width)}  passed  failed  skipped  total`);
  for (const t of table)
    console.log(
      `${t.folder.padEnd(width)}  ${String(t.passed).padStart(6)}  ${String(t.failed).padStart(6)}  ${String(t.skipped).padStart(7)}  ${String(t.total).padStart(5)}`,
    );
  const failed = results.filter((r) => r.status === "failed");
  const passed = results.filter((r) => r.status === "passed").length;
  const skipped = results.length - passed - failed.length;
  const out = resolve(root, "tck-failures.txt");
  writeFileSync(
    out,
    failed.map((f) => `${f.file} :: ${f.name}\n    ${f.message ?? ""}\n`).join("\n"),
  );
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s; failures written to ${out})`);
  console.log(
    `tck: ${passed} passed, ${failed.length} failed${skipped ? `, ${skipped} skipped` : ""}`,
  );
}

main().catch((e: unknown) => {
  console.error("tck: runner crashed:", e);
  process.exit(1);
});
