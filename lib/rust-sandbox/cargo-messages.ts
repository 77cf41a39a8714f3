/**
 * Reads cargo's `--message-format=json` stream: compiler diagnostics (for the editor's
 * underlines and the rendered text learners know from a terminal) and the built executables.
 * Each line is parsed with zod; lines that are not cargo messages are ignored.
 */
import "server-only";
import { z } from "zod";
import type { RustDiagnostic } from "./types";

const spanSchema = z.object({
  file_name: z.string(),
  line_start: z.number(),
  line_end: z.number(),
  column_start: z.number(),
  column_end: z.number(),
  is_primary: z.boolean(),
  label: z.string().nullable().optional(),
});

const compilerMessageSchema = z.object({
  reason: z.literal("compiler-message"),
  message: z.object({
    message: z.string(),
    level: z.string(),
    rendered: z.string().nullable().optional(),
    spans: z.array(spanSchema),
  }),
});

const artifactSchema = z.object({
  reason: z.literal("compiler-artifact"),
  target: z.object({ kind: z.array(z.string()), name: z.string(), src_path: z.string() }),
  profile: z.object({ test: z.boolean() }),
  executable: z.string().nullable().optional(),
});

export interface Executable {
  /** Path inside the sandbox, under /work/target. */
  path: string;
  name: string;
  kind: string[];
  /** Source file relative to the project, e.g. `tests/parse.rs`. */
  source: string;
  test: boolean;
}

export interface CargoMessages {
  diagnostics: RustDiagnostic[];
  /** Rendered compiler messages, as cargo prints them in a terminal. */
  rendered: string;
  executables: Executable[];
}

const MAX_DIAGNOSTICS = 200;

export function parseCargoMessages(stdout: string, workDir: string): CargoMessages {
  const diagnostics: RustDiagnostic[] = [];
  const rendered: string[] = [];
  const executables: Executable[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const message = compilerMessageSchema.safeParse(json);
    if (message.success) {
      const { message: m } = message.data;
      if (m.rendered) rendered.push(m.rendered);
      const diagnostic = toDiagnostic(m, workDir);
      if (diagnostic && diagnostics.length < MAX_DIAGNOSTICS) diagnostics.push(diagnostic);
      continue;
    }
    const artifact = artifactSchema.safeParse(json);
    if (artifact.success && artifact.data.executable) {
      const { target, profile, executable } = artifact.data;
      executables.push({
        path: executable,
        name: target.name,
        kind: target.kind,
        source: projectRelative(target.src_path, workDir) ?? target.src_path,
        test: profile.test,
      });
    }
  }
  return { diagnostics, rendered: rendered.join(""), executables };
}

function toDiagnostic(
  m: z.infer<typeof compilerMessageSchema>["message"],
  workDir: string,
): RustDiagnostic | null {
  const severity = toSeverity(m.level);
  if (!severity) return null;
  // The primary span in the learner's files; spans in std or macro definitions point nowhere useful.
  const inProject = m.spans
    .map((span) => ({ span, file: projectRelative(span.file_name, workDir) }))
    .filter(
      (entry): entry is { span: z.infer<typeof spanSchema>; file: string } => entry.file !== null,
    );
  const chosen = inProject.find((entry) => entry.span.is_primary) ?? inProject[0];
  if (!chosen) return null;
  const { span, file } = chosen;
  const label = span.label ? `: ${span.label}` : "";
  return {
    file,
    line: span.line_start,
    column: span.column_start,
    endLine: span.line_end,
    endColumn: span.column_end,
    message: `${m.message}${label}`,
    severity,
  };
}

function toSeverity(level: string): RustDiagnostic["severity"] | null {
  if (level === "error" || level.startsWith("error")) return "error";
  if (level === "warning") return "warning";
  if (level === "note") return "note";
  if (level === "help") return "help";
  return null;
}

/** `src/main.rs` or `/work/src/main.rs` → `src/main.rs`; anything outside the project → null. */
export function projectRelative(fileName: string, workDir: string): string | null {
  const prefix = workDir.endsWith("/") ? workDir : `${workDir}/`;
  const relative = fileName.startsWith(prefix) ? fileName.slice(prefix.length) : fileName;
  if (relative.startsWith("/") || relative.startsWith("<") || relative.split("/").includes(".."))
    return null;
  return relative;
}
