import { expect, test, type Page } from "@playwright/test";
import { openWithSavedEdits } from "./seed-progress";

/**
 * Interrupt keeps the kernel's state: pages are cross-origin isolated, so the page and the
 * kernel worker share a flag the cell's code checks at loop bodies, awaits and training batches
 * (lib/kernel/interrupt.ts). The terminate-and-restart fallback is covered in kernel.spec.ts.
 */
const LESSON = "/learn/sequence-models/forecasting/sine-wave-lstm";
const LESSON_KEY = "sequence-models/forecasting/sine-wave-lstm";

const cell = (page: Page, id: string) => page.locator(`[data-cell-id="${id}"]`);
const status = (page: Page, id: string) => cell(page, id).locator("[data-status]").first();
const kernelBar = (page: Page) => page.getByRole("region", { name: "TensorFlow.js kernel" });

async function runCell(page: Page, id: string, expected = "done", timeout = 60_000) {
  await cell(page, id)
    .getByRole("button", { name: `Run TensorFlow.js cell ${id}` })
    .click();
  await expect(status(page, id)).toHaveAttribute("data-status", expected, { timeout });
}

test.use({ trace: "off" });

test.describe("interrupt keeps the kernel's state", () => {
  test("a while (true) loop stops and the names of earlier cells survive", async ({ page }) => {
    await openWithSavedEdits(page, LESSON, LESSON_KEY, {
      "gates-layer": "const x = 6 * 7;",
      "lstm-step": "let spins = 0;\nwhile (true) {\n  spins++;\n}",
      evaluate:
        'console.log("x is", x, "after", spins > 0, "worker isolated", crossOriginIsolated);',
    });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await runCell(page, "gates-layer");
    await expect(kernelBar(page)).toHaveAttribute("data-worker-starts", "1");

    await cell(page, "lstm-step")
      .getByRole("button", { name: "Run TensorFlow.js cell lstm-step" })
      .click();
    await expect(status(page, "lstm-step")).toHaveAttribute("data-status", "running");
    await page.waitForTimeout(500);
    await kernelBar(page).getByRole("button", { name: "Interrupt" }).click();
    await expect(status(page, "lstm-step")).toHaveAttribute("data-status", "interrupted");
    await expect(
      cell(page, "lstm-step").getByText(
        /KeyboardInterrupt: stopped at line 2\. The kernel kept running, so your variables are kept\./,
      ),
    ).toBeVisible();

    // Same worker, no restart notice, and `x` from the first cell is still there.
    await runCell(page, "evaluate");
    await expect(
      cell(page, "evaluate").getByText("x is 42 after true worker isolated true"),
    ).toBeVisible();
    await expect(kernelBar(page)).toHaveAttribute("data-worker-starts", "1");
    await expect(page.getByText(/restarted/)).toHaveCount(0);
  });

  test("a training cell stops between epochs and keeps its model", async ({ page }) => {
    await openWithSavedEdits(page, LESSON, LESSON_KEY, {
      evaluate: [
        "const few = [trainSet.xs.slice(0, 32), trainSet.ys.slice(0, 32)];",
        "const again = await model.fit(few[0], few[1], { epochs: 1 });",
        'console.log("model kept:", model.layers.length, "layers, trains again:", again.history.loss.length);',
      ].join("\n"),
    });
    for (const id of ["make-series", "make-windows", "build-model"]) await runCell(page, id);
    const train = cell(page, "train");
    await train.getByRole("button", { name: "Run TensorFlow.js cell train" }).click();
    // Let a few epochs finish, then stop the cell from its own toolbar.
    await expect(train.getByText(/Epoch [2-9]\/40/)).toBeVisible({ timeout: 60_000 });
    await train.getByRole("button", { name: "Stop TensorFlow.js cell train" }).click();
    await expect(status(page, "train")).toHaveAttribute("data-status", "interrupted", {
      timeout: 10_000,
    });
    await expect(train.getByText(/KeyboardInterrupt: stopped .*variables are kept/)).toBeVisible();
    await expect(train.getByText(/Epoch 40\/40/)).toHaveCount(0);

    await runCell(page, "evaluate");
    await expect(
      cell(page, "evaluate").getByText("model kept: 2 layers, trains again: 1"),
    ).toBeVisible();
    await expect(kernelBar(page)).toHaveAttribute("data-worker-starts", "1");
  });
});
