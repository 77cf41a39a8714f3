/**
 * The Rust runner's vocabulary, shared by the server (runner, action) and the client runtime.
 * Pure types and zod schemas only: this file must stay importable from client components.
 */
import { z } from "zod";

/** Per-file and per-project size limits: lessons are small, and these bound what we copy. */
export const MAX_FILE_BYTES = 64 * 1024;
const MAX_PROJECT_BYTES = 256 * 1024;
const MAX_FILES = 32;

/** Only what a std-only Cargo package needs; no build.rs, no .cargo/config, no lock file games. */
const ALLOWED_PATH =
  /^(Cargo\.toml|(src|tests|examples|benches)\/([A-Za-z0-9_.-]+\/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.rs)$/;

export const projectPathSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((p) => !p.startsWith("/"), "must be a relative path, not an absolute one")
  .refine(
    (p) => !p.split("/").some((part) => part === ".." || part === "." || part === ""),
    "must not contain '..', '.' or empty segments",
  )
  .refine(
    (p) => ALLOWED_PATH.test(p),
    "must be Cargo.toml or a .rs file under src/, tests/, examples/ or benches/",
  );

const projectFileSchema = z.object({
  path: projectPathSchema,
  content: z.string().max(MAX_FILE_BYTES, `a file may hold at most ${MAX_FILE_BYTES / 1024} KB`),
});

export const projectFilesSchema = z
  .array(projectFileSchema)
  .min(1)
  .max(MAX_FILES, `a project may hold at most ${MAX_FILES} files`)
  .refine(
    (files) => new Set(files.map((f) => f.path)).size === files.length,
    "file paths must be unique",
  )
  .refine(
    (files) => files.some((f) => f.path === "Cargo.toml"),
    "a Cargo project needs a Cargo.toml",
  )
  .refine(
    (files) => files.reduce((sum, f) => sum + utf8Length(f.content), 0) <= MAX_PROJECT_BYTES,
    `a project may hold at most ${MAX_PROJECT_BYTES / 1024} KB in total`,
  );

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

export type ProjectFile = z.infer<typeof projectFileSchema>;
export type RunMode = "run" | "test";

const rustRunStatusSchema = z.enum([
  "ok",
  "compile-error",
  "runtime-error",
  "timeout",
  "killed",
  "unavailable",
]);
export type RustRunStatus = z.infer<typeof rustRunStatusSchema>;

/** A compiler diagnostic; `file` is relative to the project root, e.g. `src/main.rs`. */
const rustDiagnosticSchema = z.object({
  file: z.string(),
  line: z.number(),
  column: z.number(),
  endLine: z.number().optional(),
  endColumn: z.number().optional(),
  message: z.string(),
  severity: z.enum(["error", "warning", "note", "help"]),
});

export const rustRunResultSchema = z.object({
  status: rustRunStatusSchema,
  exitCode: z.number().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  diagnostics: z.array(rustDiagnosticSchema),
  compileMs: z.number(),
  runMs: z.number(),
  message: z.string().optional(),
  truncated: z.boolean(),
});

export type RustDiagnostic = z.infer<typeof rustDiagnosticSchema>;

/**
 * One run's outcome. `exitCode`: the program's (run phase) or cargo's (failed build); null when
 * killed. `message`: one sentence for people, absent when all went well. `truncated`: output was
 * cut at the output limit.
 */
export type RustRunResult = z.infer<typeof rustRunResultSchema>;

/** A result for a run that never reached the program (refused, unavailable, rate-limited). */
export function stoppedResult(status: RustRunStatus, message: string, stderr = ""): RustRunResult {
  return {
    status,
    exitCode: null,
    stdout: "",
    stderr,
    diagnostics: [],
    compileMs: 0,
    runMs: 0,
    message,
    truncated: false,
  };
}

export interface RustRunnerStatus {
  available: boolean;
  reason?: string;
  /** Unavailable only because no one is signed in. */
  signIn?: boolean;
}

/** Input of the server action (also validated there). */
export const runRustInputSchema = z.object({
  lessonKey: z.string().min(1).max(300),
  cellId: z.string().min(1).max(200),
  files: projectFilesSchema,
  mode: z.enum(["run", "test"]),
  /** Client-chosen id, so that the learner's Stop can reach this run (cancelRustRunAction). */
  ticket: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional(),
});

/** Human-readable first problem of a failed zod parse (path: message). */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid input";
  const where = issue.path.length > 0 ? issue.path.join(".") : "input";
  return `${where}: ${issue.message}`;
}
