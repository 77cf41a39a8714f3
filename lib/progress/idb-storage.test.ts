import { describe, expect, it } from "vitest";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
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

describe("IndexedDB storage: outputs and clearing an owner", () => {
  const cell = (owner: string, cellId: string) => ({
    owner,
    lessonKey: "t/c/l",
    cellId,
    code: "x",
    lessonCodeHash: "h",
    baseVersion: 0,
    codeUpdatedAt: 5,
    lastRunStatus: null,
    lastRunAt: null,
    passed: false,
  });
  const outputs = (owner: string, cellId: string, lessonKey = "t/c/l") => ({
    owner,
    lessonKey,
    cellId,
    outputs: [{ type: "text" as const, stream: "stdout" as const, text: cellId }],
    savedAt: 7,
    trimmed: false,
  });

  it("keeps outputs per cell and deletes one cell's or a whole lesson's", async () => {
    const storage = createIndexedDbStorage(new IDBFactory(), IDBKeyRange);
    await storage.putOutputs(outputs("u", "a"));
    await storage.putOutputs(outputs("u", "b"));
    await storage.putOutputs(outputs("u", "a", "t/c/other"));
    expect(await storage.listOutputs("u", "t/c/l")).toEqual([outputs("u", "a"), outputs("u", "b")]);
    await storage.deleteOutputs("u", "t/c/l", "a");
    expect(await storage.listOutputs("u", "t/c/l")).toEqual([outputs("u", "b")]);
    await storage.deleteOutputs("u", "t/c/l", null);
    expect(await storage.listOutputs("u", "t/c/l")).toEqual([]);
    expect(await storage.listOutputs("u", "t/c/other")).toHaveLength(1);
  });

  it("deletes everything of one owner and nothing of another (anonymous work stays)", async () => {
    const storage = createIndexedDbStorage(new IDBFactory(), IDBKeyRange);
    for (const owner of ["user-1", "anonymous", "user-10"]) {
      await storage.putCell(cell(owner, "a"));
      await storage.putOutputs(outputs(owner, "a"));
      await storage.putLesson({
        owner,
        lessonKey: "t/c/l",
        startedAt: 1,
        lastCellId: "a",
        lastVisitAt: 1,
        completedAt: null,
      });
      await storage.addMutation(owner, mutation(1));
    }
    await storage.deleteOwner("user-1");
    expect(await storage.listCells("user-1", "t/c/l")).toEqual([]);
    expect(await storage.listOutputs("user-1", "t/c/l")).toEqual([]);
    expect(await storage.listLessons("user-1")).toEqual([]);
    expect((await storage.listMutations()).map((entry) => entry.owner).sort()).toEqual([
      "anonymous",
      "user-10",
    ]);
    for (const owner of ["anonymous", "user-10"]) {
      expect(await storage.listCells(owner, "t/c/l")).toHaveLength(1);
      expect(await storage.listOutputs(owner, "t/c/l")).toHaveLength(1);
      expect(await storage.listLessons(owner)).toHaveLength(1);
    }
  });
});
