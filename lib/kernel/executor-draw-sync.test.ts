import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { CellOutput } from "@/lib/notebook/types";
import { CellExecutor } from "./executor";

// The training callbacks hand the CPU to the page while it draws the live plot: they wait for
// its acknowledgement, and stop waiting for the rest of the fit once it does not come.

const FIT = `const xs = tf.randomNormal([32, 4, 1]);
const ys = tf.randomNormal([32, 1]);
const model = tf.sequential({ layers: [tf.layers.simpleRNN({ units: 4, inputShape: [4, 1] }), tf.layers.dense({ units: 1 })] });
model.compile({ optimizer: "adam", loss: "meanSquaredError" });
await model.fit(xs, ys, { epochs: 4, batchSize: 16, callbacks: trainingCallbacks({ throttleMs: 0 }) });`;

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function executorWithPage(acknowledge: boolean) {
  const plotsSent: CellOutput[] = [];
  const executor: CellExecutor = new CellExecutor(tf, (_runId, outputs) => {
    for (const o of outputs) {
      if (o.type !== "plot") continue;
      plotsSent.push(o);
      // The page draws it a little later and says so.
      if (acknowledge && o.traces.length > 0)
        setTimeout(() => executor.drawSync.drawn(o.plotId), 5);
    }
  });
  executor.drawSync.enabled = true;
  return { executor, plotsSent };
}

describe("training waits for the page to draw its live plot", () => {
  it("waits for each acknowledged draw, and every plot update reached the page before the wait", async () => {
    const { executor, plotsSent } = executorWithPage(true);
    const wait = vi.spyOn(executor.drawSync, "wait");
    const result = await executor.run({
      runId: "r1",
      cellId: "train",
      code: FIT,
      previousCells: [],
    });
    expect(result.status).toBe("ok");
    expect(wait).toHaveBeenCalledTimes(4);
    for (const call of wait.mock.results) expect(await call.value).toBe(true);
    // Flushed before waiting: the page had each epoch's points (1, 2, 3, 4) to draw.
    const lengths = plotsSent.map((p) =>
      p.type === "plot" ? ((p.traces[0] as { y?: unknown[] } | undefined)?.y?.length ?? 0) : 0,
    );
    expect(lengths).toEqual(expect.arrayContaining([1, 2, 3, 4]));
  });

  it("stops waiting for the rest of the fit when the page does not answer", async () => {
    const { executor } = executorWithPage(false);
    const wait = vi.spyOn(executor.drawSync, "wait");
    const result = await executor.run({
      runId: "r2",
      cellId: "train",
      code: FIT,
      previousCells: [],
    });
    expect(result.status).toBe("ok");
    expect(wait).toHaveBeenCalledTimes(1);
    expect(await wait.mock.results[0]?.value).toBe(false);
  });

  it("does not wait at all where the host does not acknowledge draws (Node, content checks)", async () => {
    const { executor } = executorWithPage(false);
    executor.drawSync.enabled = false;
    const wait = vi.spyOn(executor.drawSync, "wait");
    await executor.run({ runId: "r3", cellId: "train", code: FIT, previousCells: [] });
    expect(wait).not.toHaveBeenCalled();
  });
});
