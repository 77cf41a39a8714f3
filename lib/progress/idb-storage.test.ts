import { describe, expect, it } from "vitest";
import { IDBFactory } from "fake-indexeddb";
import { randomUUID } from "node:crypto";
import { createIndexedDbStorage } from "./idb-storage";
import type { SyncMutation } from "./schemas";

const mutation = (n: number): SyncMutation => ({
  id: randomUUID(),
  kind: "run",
  lessonKey: "t/c/l",
  cellId: "a",
  clientVersion: 0,
  at: 1_800_000_000_000 + n,
  payload: { status: "ok", durationMs: n },
});

describe("IndexedDB storage", () => {
  it("keeps the outbox in order, deletes by id and re-labels owners", async () => {
    const storage = createIndexedDbStorage(new IDBFactory());
    const list = [mutation(1), mutation(2), mutation(3)];
    for (const m of list) await storage.addMutation("anonymous", m);
    expect((await storage.listMutations()).map((entry) => entry.mutation.id)).toEqual(
      list.map((m) => m.id),
    );
    await storage.deleteMutations([list[1]!.id]);
    await storage.reassignMutations("anonymous", "user-1");
    const left = await storage.listMutations();
    expect(left.map((entry) => [entry.mutation.id, entry.owner])).toEqual([
      [list[0]!.id, "user-1"],
      [list[2]!.id, "user-1"],
    ]);
  });

  it("stores cells per owner and lesson", async () => {
    const storage = createIndexedDbStorage(new IDBFactory());
    const cell = {
      owner: "u",
      lessonKey: "t/c/l",
      cellId: "a",
      code: "x",
      lessonCodeHash: "h",
      baseVersion: 2,
      codeUpdatedAt: 5,
      lastRunStatus: null,
      lastRunAt: null,
      passed: false,
    };
    await storage.putCell(cell);
    await storage.putCell({ ...cell, cellId: "b" });
    await storage.putCell({ ...cell, owner: "v" });
    expect((await storage.listCells("u", "t/c/l")).map((c) => c.cellId)).toEqual(["a", "b"]);
    expect(await storage.getCell("u", "t/c/l", "a")).toEqual(cell);
    await storage.deleteCell("u", "t/c/l", "a");
    expect(await storage.getCell("u", "t/c/l", "a")).toBeUndefined();
  });
});

describe("IndexedDB storage: parked mutations", () => {
  it("keeps a parked mark across a reopen (a page reload) and can clear it", async () => {
    const factory = new IDBFactory();
    const first = createIndexedDbStorage(factory);
    const list = [mutation(1), mutation(2)];
    for (const m of list) await first.addMutation("user-1", m);
    await first.parkMutations([list[0]!.id], { at: 5, reason: "code: must be well-formed text" });

    const reloaded = createIndexedDbStorage(factory);
    const entries = await reloaded.listMutations();
    expect(entries.map((entry) => [entry.mutation.id, entry.parked ?? null])).toEqual([
      [list[0]!.id, { at: 5, reason: "code: must be well-formed text" }],
      [list[1]!.id, null],
    ]);
    await reloaded.parkMutations([list[0]!.id], null);
    expect((await reloaded.listMutations())[0]?.parked).toBeUndefined();
  });
});
