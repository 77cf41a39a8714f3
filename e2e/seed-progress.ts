import { expect, type Page } from "@playwright/test";

/**
 * Opens a lesson as an anonymous learner whose saved edit of one cell is `code`, the way the
 * progress store keeps it in IndexedDB (lib/progress/idb-storage.ts), then reloads so the
 * notebook restores it. The edit has no base lesson hash, so it is taken as the learner's own.
 */
export async function openWithSavedEdit(
  page: Page,
  url: string,
  lessonKey: string,
  cellId: string,
  code: string,
) {
  await openWithSavedEdits(page, url, lessonKey, { [cellId]: code });
}

/** The same with saved edits of several cells (cell id → code). */
export async function openWithSavedEdits(
  page: Page,
  url: string,
  lessonKey: string,
  edits: Record<string, string>,
) {
  await page.goto(url);
  await page.evaluate(
    async ({ lessonKey, edits }) => {
      // Wait until the page's store has created its database (it opens it when the lesson loads).
      const openDb = () =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const req = indexedDB.open("courses-progress");
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      for (let attempt = 0; ; attempt++) {
        // Opening it before the page does would create an empty database and block its upgrade.
        const exists = (await indexedDB.databases()).some(
          (d) => d.name === "courses-progress" && (d.version ?? 0) >= 2,
        );
        const db = exists ? await openDb() : null;
        if (db && db.objectStoreNames.contains("cells")) {
          const tx = db.transaction("cells", "readwrite");
          for (const [cellId, code] of Object.entries(edits)) {
            tx.objectStore("cells").put({
              owner: "anonymous",
              lessonKey,
              cellId,
              code,
              lessonCodeHash: null,
              baseVersion: 0,
              codeUpdatedAt: Date.now(),
              lastRunStatus: null,
              lastRunAt: null,
              passed: false,
            });
          }
          await new Promise<void>((resolve, reject) => {
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
          });
          db.close();
          return;
        }
        db?.close();
        if (attempt > 100) throw new Error("the lesson page never opened its progress database");
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    { lessonKey, edits },
  );
  await page.reload();
  // The saved edits are restored once the page has read its store: running before that would
  // run the lesson's own code.
  for (const cellId of Object.keys(edits)) {
    await expect(
      page.locator(`[data-cell-id="${cellId}"]`).getByText("edited", { exact: true }),
    ).toBeVisible({ timeout: 30_000 });
  }
}
