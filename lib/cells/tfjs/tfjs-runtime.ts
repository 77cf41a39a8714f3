/**
 * The tfjs cell kind for the notebook: runs cells in the lesson's kernel worker.
 */
import type { CellRuntime } from "@/lib/notebook/types";
import { existingKernel, getKernel } from "./kernel-registry";

export const tfjsRuntime: CellRuntime = {
  kind: "tfjs",
  unavailable() {
    if (typeof window === "undefined") return null; // decided in the browser
    if (typeof Worker === "undefined")
      return { reason: "This browser cannot run background workers, which tfjs cells need." };
    if (typeof WebAssembly === "undefined")
      return { reason: "This browser has no WebAssembly support, which TensorFlow.js needs here." };
    return null;
  },
  run(request, emit, signal) {
    const kernel = getKernel(request.lessonKey);
    return kernel.run(
      {
        cellId: request.cell.id,
        code: request.cell.code,
        previousCells: request.previousCells.map((c) => ({ id: c.id, code: c.code })),
      },
      emit,
      signal,
    );
  },
  outputShown(lessonKey, output) {
    // A training loop in the worker may be waiting for its plot to be drawn.
    if (output.type === "plot") existingKernel(lessonKey)?.plotDrawn(output.plotId);
  },
};
