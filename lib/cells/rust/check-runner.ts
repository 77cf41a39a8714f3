/** Rust cells through the sandboxed runner (lib/rust-sandbox/runner), skipped where it is unavailable. */
import { runRustProject } from "@/lib/rust-sandbox/runner";
import { rustRunnerStatus } from "@/lib/rust-sandbox/status";
import type { RustRunResult } from "@/lib/rust-sandbox/types";
import type { CellContext, KindRunner, RunVerdict } from "@/lib/content/check/check-lesson";
import { fileOf, rustProjectFiles, withCheckModule } from "@/lib/cells/rust/project";

function verdict(result: RustRunResult, what: string): RunVerdict {
  if (result.status === "ok") return { ok: true };
  const errors = result.diagnostics.filter((d) => d.severity === "error").slice(0, 3);
  const details = errors.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);
  const tail = result.stderr.trim().split("\n").slice(-4).join(" | ");
  const parts = [
    result.message,
    ...details,
    details.length === 0 && tail ? tail : undefined,
  ].filter(Boolean);
  return {
    ok: false,
    message: `${what}: ${result.status}${parts.length ? ` — ${parts.join("; ")}` : ""}`,
  };
}

function files(context: CellContext, code: string) {
  return rustProjectFiles(context.cells, context.index, code);
}

export function createRustRunner(): KindRunner {
  const modeOf = (context: CellContext) =>
    context.cells[context.index]!.attributes.mode === "test" ? "test" : "run";
  return {
    unavailable() {
      const status = rustRunnerStatus();
      return status.available ? null : (status.reason ?? "the Rust runner is unavailable");
    },
    async run(context) {
      return verdict(
        await runRustProject(files(context, context.code), { mode: modeOf(context) }),
        "the cell",
      );
    },
    // As the notebook's Rust check: the exercise must build and run; then its #[test] check runs.
    async check(context) {
      const project = files(context, context.code);
      const ran = verdict(await runRustProject(project, { mode: modeOf(context) }), "the exercise");
      if (!ran.ok) return { ...ran, failed: "code" };
      const file = fileOf(context.cells[context.index]!);
      return verdict(
        await runRustProject(withCheckModule(project, file, context.check), { mode: "test" }),
        "the check",
      );
    },
  };
}
