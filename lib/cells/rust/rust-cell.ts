/**
 * The Rust cell's runtime logic, free of transport: which files to send, how a result becomes
 * cell outputs and editor markers. `rust-runtime.ts` wires it to the /api/rust routes; tests
 * wire it to fakes.
 */
import type {
  CellOutput,
  CellRuntime,
  CheckVerdict,
  CodeMarker,
  RunOutcome,
  RunRequest,
} from "@/lib/notebook/types";
import { fileOf, rustProjectFiles } from "./project";
import type { RustBatchCellResult, RustVerdict } from "./run-events";
import type {
  ProjectFile,
  RunMode,
  RustDiagnostic,
  RustRunResult,
  RustRunnerStatus,
} from "@/lib/rust-sandbox/types";

/** "check": the server runs the exercise and then the lesson's own check on it, and judges. */
type TransportMode = RunMode | "check";

export interface RustTransport {
  /** Runs the project; reports queue positions (1, 2, … while waiting, 0 when building) on the way. */
  run(
    input: {
      lessonKey: string;
      cellId: string;
      files: ProjectFile[];
      mode: TransportMode;
      ticket: string;
    },
    onQueuePosition: (position: number) => void,
  ): Promise<{ result: RustRunResult; verdict?: RustVerdict }>;
  /**
   * Runs several cells of one project in one request (Run all): reports each cell's result as it
   * comes. Optional: without it every cell runs on its own.
   */
  runBatch?(
    input: {
      lessonKey: string;
      cells: { cellId: string; files: ProjectFile[] }[];
      ticket: string;
    },
    onQueuePosition: (position: number) => void,
    onCell: (cell: RustBatchCellResult) => void,
  ): Promise<void>;
  cancel(ticket: string): Promise<boolean>;
  /** What the server said about itself (null while unknown: Run stays enabled, the server re-checks). */
  status(): RustRunnerStatus | null;
  /** Asks the server again (after the learner signed in or out). Optional. */
  refreshStatus?(): Promise<void>;
}

/**
 * The project to send: the cell's Cargo project built from the lesson's Rust cells (their
 * learner's code and `project`/`file`/`manifest` attributes), with this cell's code in its file.
 * A cell the request's lesson does not list runs as a one-file project.
 */
export function projectFilesForCell(request: RunRequest): { files: ProjectFile[]; file: string } {
  const rustCells = request.lessonCells.filter((c) => c.kind === "rust");
  let index = rustCells.findIndex((c) => c.id === request.cell.id);
  const cells =
    index === -1
      ? [{ ...request.cell, attributes: stringAttributes(request.attributes) }]
      : rustCells;
  if (index === -1) index = 0;
  return { files: rustProjectFiles(cells, index, request.cell.code), file: fileOf(cells[index]!) };
}

function stringAttributes(attributes: RunRequest["attributes"]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
  );
}

/** Editor underlines for the file shown in this cell (errors only: CodeMarker has no severity). */
export function diagnosticsToMarkers(diagnostics: RustDiagnostic[], file: string): CodeMarker[] {
  return diagnostics
    .filter((d) => d.file === file && d.severity === "error")
    .map((d) => ({
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      message: d.message,
    }));
}

export function resultOutputs(result: RustRunResult, file: string): CellOutput[] {
  const outputs: CellOutput[] = [];
  if (result.status === "unavailable") {
    outputs.push({
      type: "error",
      name: "Unavailable",
      message: result.message ?? "Running Rust is unavailable here.",
    });
    return outputs;
  }
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  for (const d of errors) {
    const where = `${d.file}:${d.line}:${d.column}`;
    outputs.push(
      d.file === file
        ? {
            type: "error",
            name: "error",
            message: `${d.message} (${where})`,
            line: d.line,
            column: d.column,
          }
        : { type: "error", name: "error", message: `${d.message} (${where})` },
    );
  }
  const warnings = result.diagnostics.filter((d) => d.severity === "warning");
  if (result.status !== "compile-error" && warnings.length > 0) {
    const lines = warnings.map((w) => `warning: ${w.message} (${w.file}:${w.line}:${w.column})`);
    outputs.push({ type: "text", stream: "info", text: `${lines.join("\n")}\n` });
  }
  if (result.stdout) outputs.push({ type: "text", stream: "stdout", text: result.stdout });
  if (result.stderr) outputs.push({ type: "text", stream: "stderr", text: result.stderr });
  if (
    errors.length === 0 &&
    result.status === "compile-error" &&
    result.message &&
    !result.stderr.includes(result.message)
  ) {
    outputs.push({ type: "error", name: "error", message: result.message });
  }
  outputs.push({ type: "text", stream: "info", text: summary(result) });
  return outputs;
}

function summary(result: RustRunResult): string {
  const parts: string[] = [];
  if (result.exitCode !== null && result.status !== "compile-error")
    parts.push(`exit code ${result.exitCode}`);
  if (result.compileMs > 0) parts.push(`compiled in ${formatMs(result.compileMs)}`);
  if (result.runMs > 0) parts.push(`ran in ${formatMs(result.runMs)}`);
  const head = result.message ?? (result.status === "ok" ? "Finished" : result.status);
  return parts.length > 0 ? `${head} · ${parts.join(" · ")}` : head;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function newTicket(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The cells of a Run all that one batch request serves: this cell's project's, in run order. */
export function batchMembers(request: RunRequest): string[] {
  if (!request.batch) return [];
  const rust = new Map(
    request.lessonCells.filter((c) => c.kind === "rust").map((c) => [c.id, c] as const),
  );
  const own = rust.get(request.cell.id);
  if (!own) return [];
  const group = own.attributes.project ?? "";
  // The cells without `project=` are one group: each builds alone, but they share one request.
  return request.batch.cellIds.filter((id) => {
    const other = rust.get(id);
    return other !== undefined && (other.attributes.project ?? "") === group;
  });
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // a member that never asks must not be an unhandled rejection
  return { promise, resolve, reject };
}

/** One batch request in flight: each member's result, the files sent, who still has to ask. */
interface BatchRun {
  ticket: string;
  results: Map<string, Deferred<RustBatchCellResult>>;
  sentFiles: Map<string, string>;
  waiting: Set<string>;
  onQueuePosition: ((position: number) => void) | null;
}

export function createRustRuntime(transport: RustTransport): CellRuntime {
  const batches = new Map<string, BatchRun>();
  /** Check results that came with a batch, for the exercise's check() right after its run(). */
  const batchChecks = new Map<string, NonNullable<RustBatchCellResult["check"]>>();

  function batchFor(request: RunRequest): BatchRun | null {
    const runBatch = transport.runBatch;
    if (!request.batch || !runBatch) return null;
    const members = batchMembers(request);
    if (members.length < 2 || !members.includes(request.cell.id)) return null;
    const key = `${request.batch.id}\0${members.join(",")}`;
    const existing = batches.get(key);
    if (existing) return existing.waiting.has(request.cell.id) ? existing : null;
    const cells = members.map((cellId) => {
      const source = request.lessonCells.find((c) => c.id === cellId)!;
      const files = projectFilesForCell({
        ...request,
        cell: { id: source.id, kind: source.kind, code: source.code },
      }).files;
      return { cellId, files };
    });
    const run: BatchRun = {
      ticket: newTicket(),
      results: new Map(members.map((id) => [id, deferred<RustBatchCellResult>()])),
      sentFiles: new Map(cells.map((c) => [c.cellId, JSON.stringify(c.files)])),
      waiting: new Set(members),
      onQueuePosition: null,
    };
    batches.set(key, run);
    const settleRest = (error: Error) => {
      for (const result of run.results.values()) result.reject(error);
    };
    runBatch(
      { lessonKey: request.lessonKey, cells, ticket: run.ticket },
      (position) => run.onQueuePosition?.(position),
      (cell) => run.results.get(cell.cellId)?.resolve(cell),
    ).then(
      () => settleRest(new Error("the server sent no result for this cell")),
      (error: unknown) => settleRest(error instanceof Error ? error : new Error(String(error))),
    );
    return run;
  }

  /** This cell's result from its Run all's batch, or null to run it on its own. */
  async function fromBatch(
    request: RunRequest,
    onQueuePosition: (position: number) => void,
    signal: AbortSignal,
  ): Promise<{ result: RustRunResult; verdict?: RustVerdict } | null> {
    const run = batchFor(request);
    if (!run) return null;
    const id = request.cell.id;
    run.waiting.delete(id);
    if (run.waiting.size === 0)
      for (const [key, value] of batches) if (value === run) batches.delete(key);
    // Edited since the batch was sent (while earlier cells ran): this cell runs on its own.
    if (run.sentFiles.get(id) !== JSON.stringify(projectFilesForCell(request).files)) return null;
    run.onQueuePosition = onQueuePosition;
    const onAbort = () => void transport.cancel(run.ticket).catch(() => false);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      const answer = await run.results.get(id)!.promise;
      if (answer.check && request.batch)
        batchChecks.set(`${request.batch.id}\0${id}`, answer.check);
      return { result: answer.result };
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  async function execute(
    request: RunRequest,
    mode: TransportMode,
    emit: (output: CellOutput) => void,
    signal: AbortSignal,
  ): Promise<{ outcome: RunOutcome; result: RustRunResult | null; verdict?: RustVerdict }> {
    const started = Date.now();
    const project = projectFilesForCell(request);
    const ticket = newTicket();
    const progressId = `rust-${request.cell.id}`;
    const label =
      mode === "test"
        ? "Building and testing"
        : mode === "check"
          ? "Checking"
          : "Building and running";
    emit({ type: "progress", progressId, label: `${label}…`, value: 0, max: 1 });
    let lastPosition = -1;
    const onQueuePosition = (position: number) => {
      if (position === lastPosition) return;
      lastPosition = position;
      const text =
        position > 0 ? `Waiting for a build slot: position ${position} in the queue` : `${label}…`;
      emit({ type: "progress", progressId, label: text, value: 0, max: 1 });
    };
    const onAbort = () => void transport.cancel(ticket).catch(() => false);
    signal.addEventListener("abort", onAbort, { once: true });
    let result: RustRunResult;
    let verdict: RustVerdict | undefined;
    try {
      const batched = mode === "check" ? null : await fromBatch(request, onQueuePosition, signal);
      ({ result, verdict } =
        batched ??
        (await transport.run(
          {
            lessonKey: request.lessonKey,
            cellId: request.cell.id,
            files: project.files,
            mode,
            ticket,
          },
          onQueuePosition,
        )));
    } catch (error) {
      emit({
        type: "progress",
        progressId,
        label: signal.aborted ? "Stopped" : "Failed",
        value: 1,
        max: 1,
      });
      if (signal.aborted)
        return {
          outcome: { status: "interrupted", durationMs: Date.now() - started },
          result: null,
        };
      emit({ type: "error", name: "Run refused", message: (error as Error).message });
      return { outcome: { status: "error", durationMs: Date.now() - started }, result: null };
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
    const durationMs = Date.now() - started;
    emit({
      type: "progress",
      progressId,
      label: result.status === "ok" ? "Done" : "Finished with problems",
      value: 1,
      max: 1,
    });
    for (const output of resultOutputs(result, project.file)) emit(output);
    const extra = verdict ? { verdict } : {};
    if (signal.aborted) return { outcome: { status: "interrupted", durationMs }, result, ...extra };
    if (result.status === "ok") return { outcome: { status: "ok", durationMs }, result, ...extra };
    return {
      outcome: {
        status: "error",
        durationMs,
        markers: diagnosticsToMarkers(result.diagnostics, project.file),
      },
      result,
      ...extra,
    };
  }

  return {
    kind: "rust",
    unavailable() {
      const status = transport.status();
      if (!status || status.available) return null;
      return {
        reason: status.reason ?? "Running Rust is unavailable on this server.",
        ...(status.signIn ? { signIn: true } : {}),
      };
    },
    ...(transport.refreshStatus ? { refreshAvailability: transport.refreshStatus } : {}),
    async run(request, emit, signal) {
      const mode: RunMode = request.attributes.mode === "test" ? "test" : "run";
      return (await execute(request, mode, emit, signal)).outcome;
    },
    /**
     * The server runs the lesson's own check (its #[test] functions, as a test module inside the
     * cell's file) on the learner's project and judges; the check text here is never sent.
     */
    async check(request, emit, signal): Promise<CheckVerdict> {
      const key = request.batch ? `${request.batch.id}\0${request.cell.id}` : null;
      const batched = key ? batchChecks.get(key) : undefined;
      if (key && batched) {
        // The batch already ran the check on the server right after this cell's run.
        batchChecks.delete(key);
        emit({
          type: "progress",
          progressId: `rust-${request.cell.id}`,
          label: batched.result.status === "ok" ? "Done" : "Finished with problems",
          value: 1,
          max: 1,
        });
        for (const output of resultOutputs(batched.result, projectFilesForCell(request).file))
          emit(output);
        const { verdict } = batched;
        return { passed: verdict.passed, message: verdict.message, verifiedBy: "server" };
      }
      const { result, verdict } = await execute(request, "check", emit, signal);
      if (signal.aborted) return { passed: false, message: "The check was interrupted." };
      if (!result) return { passed: false, message: "The check could not run." };
      if (!verdict) return { passed: false, message: result.message ?? "The check could not run." };
      return { passed: verdict.passed, message: verdict.message, verifiedBy: "server" };
    },
  };
}
