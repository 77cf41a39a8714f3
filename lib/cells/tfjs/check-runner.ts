/** tfjs cells in Node through the kernel's own executor (lib/kernel/node-kernel), one kernel per lesson. */
import { createNodeKernel, type NodeKernel, type NodeRunResult } from "@/lib/kernel/node-kernel";
import type { CellContext, KindRunner, RunVerdict } from "@/lib/content/check/check-lesson";

function verdict(result: NodeRunResult, what: string): RunVerdict {
  if (result.status === "ok") return { ok: true };
  const e = result.error;
  const where = e?.line !== undefined ? ` (line ${e.line} of ${what})` : "";
  return {
    ok: false,
    message: `${what} threw ${e?.name ?? "Error"}: ${e?.message ?? "unknown error"}${where}`,
  };
}

export function createTfjsRunner(options: {
  backend: "wasm" | "cpu";
  trainingScale: number;
}): KindRunner {
  let kernel: NodeKernel | null = null;
  const need = (): NodeKernel => {
    if (!kernel) throw new Error("tfjs runner used outside a lesson");
    return kernel;
  };
  const previousOf = (context: CellContext) =>
    context.cells.slice(0, context.index).map((c) => ({ id: c.id, code: c.code }));

  return {
    unavailable: () => null,
    async startLesson() {
      kernel = createNodeKernel({ backend: options.backend, trainingScale: options.trainingScale });
    },
    async endLesson() {
      kernel?.dispose();
      kernel = null;
    },
    async run(context) {
      const cell = context.cells[context.index]!;
      return verdict(
        await need().run(context.code, { cellId: cell.id, previousCells: previousOf(context) }),
        "the cell",
      );
    },
    // As in the notebook without a runtime check: the check block runs as a cell after the exercise.
    async check(context) {
      const cell = context.cells[context.index]!;
      const exercise = verdict(
        await need().run(context.code, { cellId: cell.id, previousCells: previousOf(context) }),
        "the exercise",
      );
      if (!exercise.ok) return { ...exercise, failed: "code" };
      const previous = [...previousOf(context), { id: cell.id, code: context.code }];
      const checked = await need().run(context.check, {
        cellId: `${cell.id}--check`,
        previousCells: previous,
      });
      const result = verdict(checked, "the check");
      // A check that does not parse is broken whatever it is given; one that throws is its verdict.
      return result.ok
        ? result
        : { ...result, failed: checked.error?.name === "SyntaxError" ? "check-error" : "check" };
    },
  };
}
