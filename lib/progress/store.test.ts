import { describe, expect, it } from "vitest";
import { Outbox, type SyncTransport } from "./outbox";
import { createProgressStore } from "./store";
import { createMemoryStorage, type ProgressStorage } from "./storage";
import { hashLessonCode } from "./hash";
import {
  mergeCodeMutation,
  mergeLessonMutation,
  mergeRunMutation,
  type ServerCell,
  type ServerLesson,
} from "./merge";
import type { LessonProgressDto } from "./dto";
import { syncBatchSchema, type SyncMutation } from "./schemas";

const LESSON = "t/01-c/01-l";
const lessonCode = { a: "let a = 1;", b: "let b = 2;" };

/** A tiny in-memory server using the real merge rules, so the store is tested end to end. */
function fakeServer() {
  const cells = new Map<string, ServerCell>();
  let lesson: ServerLesson | null = null;
  const seen = new Set<string>();
  let online = true;
  const transport: SyncTransport = async (batch) => {
    if (!online) return { kind: "retry", reason: "offline" };
    const applied: string[] = [];
    const duplicates: string[] = [];
    for (const m of batch.mutations as SyncMutation[]) {
      if (seen.has(m.id)) {
        duplicates.push(m.id);
        continue;
      }
      seen.add(m.id);
      applied.push(m.id);
      if (m.kind === "code")
        cells.set(m.cellId, mergeCodeMutation(cells.get(m.cellId) ?? null, m).cell);
      if (m.kind === "run")
        cells.set(m.cellId, mergeRunMutation(cells.get(m.cellId) ?? null, m).cell);
      if (m.kind === "lesson") lesson = mergeLessonMutation(lesson, m).lesson;
    }
    const snapshots = [...cells.entries()].map(([cellId, c]) => ({
      lessonKey: LESSON,
      cellId,
      version: c.version,
      code: c.code,
      lessonCodeHash: c.lessonCodeHash,
      codeUpdatedAt: c.codeUpdatedAt,
    }));
    return { kind: "ok", body: { applied, duplicates, stale: [], cells: snapshots } };
  };
  const fetchProgress = async (): Promise<LessonProgressDto | null> =>
    online
      ? {
          lessonKey: LESSON,
          lesson: lesson && { lessonKey: LESSON, ...lesson },
          exercises: [],
          cells: [...cells.entries()].map(([cellId, c]) => ({
            cellId,
            code: c.code,
            version: c.version,
            lessonCodeHash: c.lessonCodeHash,
            codeUpdatedAt: c.codeUpdatedAt,
            lastRunStatus: c.lastRunStatus,
            lastRunAt: c.lastRunAt,
            lastRunDurationMs: c.lastRunDurationMs,
            lastRunError: c.lastRunError,
          })),
        }
      : null;
  return {
    cells,
    transport,
    fetchProgress,
    setOnline: (value: boolean) => (online = value),
    lesson: () => lesson,
  };
}

function device(
  server: ReturnType<typeof fakeServer>,
  userId: string | null,
  storage: ProgressStorage = createMemoryStorage(),
  code = lessonCode,
) {
  const outbox = new Outbox({
    storage,
    transport: server.transport,
    schedule: () => 0,
    cancel: () => undefined,
  });
  const store = createProgressStore({
    lessonKey: LESSON,
    lessonCode: code,
    userId,
    outbox,
    storage,
    fetchProgress: server.fetchProgress,
    editDebounceMs: 1,
  });
  return { store, outbox, storage };
}

describe("createProgressStore", () => {
  it("finds a signed-in learner's edit and run on another device", async () => {
    const server = fakeServer();
    const laptop = device(server, "u1");
    await laptop.store.load();
    laptop.store.saveCode("a", "let a = 42;");
    laptop.store.recordRun("a", "ok", 12);
    await laptop.store.flush();
    expect(server.cells.get("a")?.code).toBe("let a = 42;");

    const phone = device(server, "u1");
    const loaded = await phone.store.load();
    expect(loaded.source).toBe("server");
    expect(loaded.cells.a).toMatchObject({ code: "let a = 42;", status: "ok" });
    expect(loaded.cells.b).toBeUndefined();
  });

  it("keeps anonymous work in the browser and merges it into the account on sign-in", async () => {
    const server = fakeServer();
    const storage = createMemoryStorage();
    const anonymous = device(server, null, storage);
    await anonymous.store.load();
    anonymous.store.saveCode("b", "let b = 'mine';");
    await anonymous.store.flush();
    expect(anonymous.outbox.getStatus()).toMatchObject({ state: "local", pending: 1 });
    expect(server.cells.size).toBe(0);
    // Reload as anonymous: the work is still there.
    expect((await device(server, null, storage).store.load()).cells.b?.code).toBe(
      "let b = 'mine';",
    );

    const signedIn = device(server, "u1", storage);
    const loaded = await signedIn.store.load();
    expect(loaded.cells.b?.code).toBe("let b = 'mine';");
    await signedIn.store.flush();
    expect(server.cells.get("b")?.code).toBe("let b = 'mine';");
    expect(signedIn.outbox.getStatus()).toMatchObject({ state: "saved", pending: 0 });
  });

  it("shows local edits not yet synced over the server's older copy (offline)", async () => {
    const server = fakeServer();
    const storage = createMemoryStorage();
    const first = device(server, "u1", storage);
    await first.store.load();
    server.setOnline(false);
    first.store.saveCode("a", "offline edit");
    await first.store.flush();
    expect(first.outbox.getStatus().state).toBe("offline");
    const reloaded = await device(server, "u1", storage).store.load();
    expect(reloaded.source).toBe("local");
    expect(reloaded.cells.a?.code).toBe("offline edit");
  });

  it("asks keep mine / take new when the instructor changed an edited cell, and remembers the answer", async () => {
    const server = fakeServer();
    const before = device(server, "u1");
    await before.store.load();
    before.store.saveCode("a", "my version");
    await before.store.flush();
    expect(server.cells.get("a")?.lessonCodeHash).toBe(hashLessonCode(lessonCode.a));

    const changed = { ...lessonCode, a: "let a = 'new lesson';" };
    const after = device(server, "u1", createMemoryStorage(), changed);
    const loaded = await after.store.load();
    expect(loaded.cells.a?.conflict).toEqual({
      learnerCode: "my version",
      lessonCode: "let a = 'new lesson';",
    });
    after.store.resolveConflict("a", "mine");
    await after.store.flush();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await after.store.flush();
    const again = await device(server, "u1", createMemoryStorage(), changed).store.load();
    expect(again.cells.a).toMatchObject({ code: "my version" });
    expect(again.cells.a?.conflict).toBeUndefined();

    const take = device(server, "u1", createMemoryStorage(), {
      ...changed,
      a: "let a = 'newer still';",
    });
    await take.store.load();
    take.store.resolveConflict("a", "lesson");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await take.store.flush();
    expect(server.cells.get("a")?.code).toBeNull();
  });
});

describe("createProgressStore: where the learner is", () => {
  it("keeps an edit made just before the page closed (inside the debounce) and sends it on the next visit", async () => {
    const server = fakeServer();
    const storage = createMemoryStorage();
    const outbox = new Outbox({
      storage,
      transport: server.transport,
      schedule: () => 0,
      cancel: () => undefined,
    });
    const closing = createProgressStore({
      lessonKey: LESSON,
      lessonCode,
      userId: "u1",
      outbox,
      storage,
      fetchProgress: server.fetchProgress,
      editDebounceMs: 60_000,
    });
    await closing.load();
    closing.saveCode("a", "typed, then reloaded");
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The page is gone before the debounce ends: nothing reached the outbox, the cell is kept.
    expect(await outbox.pending()).toHaveLength(0);
    expect(await storage.getCell("u1", LESSON, "a")).toMatchObject({
      code: "typed, then reloaded",
      dirty: true,
    });

    const next = device(server, "u1", storage);
    const loaded = await next.store.load();
    expect(loaded.cells.a?.code).toBe("typed, then reloaded");
    await next.store.flush();
    expect(server.cells.get("a")?.code).toBe("typed, then reloaded");
    expect((await storage.getCell("u1", LESSON, "a"))?.dirty).toBeUndefined();
  });

  it("remembers the last cell and completion without an account, and a reset clears both", async () => {
    const server = fakeServer();
    const storage = createMemoryStorage();
    const visit = device(server, null, storage);
    await visit.store.load();
    visit.store.setLastCell("b");
    await visit.store.markCompleted();
    // Resolved means kept here (the page may be left at once): the record and the outbox entry.
    expect((await storage.getLesson("anonymous", LESSON))?.completedAt).not.toBeNull();
    expect(
      (await storage.listMutations()).some(
        (entry) => entry.mutation.kind === "lesson" && entry.mutation.payload.event === "complete",
      ),
    ).toBe(true);
    await visit.store.flush();
    expect(await device(server, null, storage).store.load()).toMatchObject({
      lastCellId: "b",
      completed: true,
    });
    expect((await storage.listLessons("anonymous")).map((lesson) => lesson.lessonKey)).toEqual([
      LESSON,
    ]);

    const again = device(server, null, storage);
    await again.store.load();
    again.store.resetLesson();
    await again.store.flush();
    expect(await device(server, null, storage).store.load()).toMatchObject({
      lastCellId: null,
      completed: false,
    });
  });

  it("brings the last cell and completion to another device, and adopts anonymous progress on sign-in", async () => {
    const server = fakeServer();
    const storage = createMemoryStorage();
    const anonymous = device(server, null, storage);
    await anonymous.store.load();
    anonymous.store.setLastCell("a");
    anonymous.store.markCompleted();
    await anonymous.store.flush();

    const signedIn = device(server, "u1", storage);
    expect(await signedIn.store.load()).toMatchObject({ lastCellId: "a", completed: true });
    await signedIn.store.flush();
    expect(server.lesson()).toMatchObject({ lastCellId: "a" });
    expect(server.lesson()?.completedAt).not.toBeNull();
    expect(await storage.listLessons("anonymous")).toEqual([]);

    const phone = device(server, "u1");
    expect(await phone.store.load()).toMatchObject({
      lastCellId: "a",
      completed: true,
      source: "server",
    });
  });
});

describe("createProgressStore before the session is known", () => {
  it("keeps edits made while the user id is still a promise and files them under the account", async () => {
    const server = fakeServer();
    let resolveUser: (id: string | null) => void = () => undefined;
    const userId = new Promise<string | null>((resolve) => (resolveUser = resolve));
    const storage = createMemoryStorage();
    const outbox = new Outbox({
      storage,
      transport: server.transport,
      schedule: () => 0,
      cancel: () => undefined,
    });
    const store = createProgressStore({
      lessonKey: LESSON,
      lessonCode,
      userId,
      outbox,
      storage,
      fetchProgress: server.fetchProgress,
      editDebounceMs: 1,
    });
    store.saveCode("a", "typed before the session answered");
    await new Promise((resolve) => setTimeout(resolve, 10));
    resolveUser("u1");
    await store.flush();
    expect(server.cells.get("a")?.code).toBe("typed before the session answered");
    expect(await storage.getCell("u1", LESSON, "a")).toMatchObject({
      code: "typed before the session answered",
    });
  });
  it("cuts long error messages without splitting an emoji, so the server accepts the batch", async () => {
    const server = fakeServer();
    const sent: SyncMutation[] = [];
    const transport: SyncTransport = async (batch) => (
      sent.push(...batch.mutations),
      server.transport(batch)
    );
    const storage = createMemoryStorage();
    const outbox = new Outbox({ storage, transport, schedule: () => 0, cancel: () => undefined });
    const store = createProgressStore({
      lessonKey: LESSON,
      lessonCode,
      userId: "u1",
      outbox,
      storage,
      fetchProgress: server.fetchProgress,
    });
    await store.load();
    const message = "E" + "💥".repeat(2_500); // a surrogate pair straddles unit 4,000
    store.recordRun("a", "error", 5, message);
    store.recordAttempt("a", false, 5, message);
    await store.flush();
    const messages = sent.flatMap((m) =>
      m.kind === "run" || m.kind === "attempt" ? [m.payload.errorMessage ?? ""] : [],
    );
    expect(messages).toHaveLength(2);
    for (const text of messages) {
      expect(text.length).toBe(3_999);
      expect(text.isWellFormed()).toBe(true);
    }
    expect(syncBatchSchema.safeParse({ mutations: sent }).success).toBe(true);
  });
});

describe("createProgressStore: outputs kept in this browser", () => {
  const printed = (text: string) => [{ type: "text" as const, stream: "stdout" as const, text }];

  it("keeps a cell's outputs for the next visit, never sends them, and forgets them on reset", async () => {
    const server = fakeServer();
    const storage = createMemoryStorage();
    const sent: string[] = [];
    const watched = {
      ...server,
      transport: (batch: Parameters<SyncTransport>[0]) => {
        sent.push(JSON.stringify(batch));
        return server.transport(batch);
      },
    };
    const laptop = device(watched, "u1", storage);
    await laptop.store.load();
    laptop.store.saveOutputs("a", printed("output-42"));
    laptop.store.saveOutputs("b", printed("7"));
    laptop.store.recordRun("a", "ok", 3);
    await laptop.store.flush();
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.join("")).not.toContain("output-42");

    const reload = device(server, "u1", storage);
    const loaded = await reload.store.load();
    expect(loaded.outputs?.a).toMatchObject({ outputs: printed("output-42"), trimmed: false });
    expect(typeof loaded.outputs?.a?.savedAt).toBe("number");

    const otherDevice = await device(server, "u1").store.load();
    expect(otherDevice.outputs).toEqual({});

    reload.store.resetCell("a");
    await reload.store.flush();
    expect(Object.keys((await device(server, "u1", storage).store.load()).outputs ?? {})).toEqual([
      "b",
    ]);
    reload.store.resetLesson();
    await reload.store.flush();
    expect((await device(server, "u1", storage).store.load()).outputs).toEqual({});
  });

  it("bounds what it keeps and says the output was trimmed", async () => {
    const storage = createMemoryStorage();
    const laptop = device(fakeServer(), null, storage);
    await laptop.store.load();
    laptop.store.saveOutputs("a", printed("x\n".repeat(400_000)));
    const loaded = await device(fakeServer(), null, storage).store.load();
    expect(loaded.outputs?.a?.trimmed).toBe(true);
    expect(JSON.stringify(loaded.outputs?.a?.outputs).length).toBeLessThanOrEqual(256 * 1024);
  });

  it("gives an anonymous learner's outputs to the account that signs in", async () => {
    const storage = createMemoryStorage();
    const server = fakeServer();
    const anonymous = device(server, null, storage);
    await anonymous.store.load();
    anonymous.store.saveOutputs("a", printed("before sign-in"));
    await anonymous.store.flush();
    const signedIn = await device(server, "u1", storage).store.load();
    expect(signedIn.outputs?.a?.outputs).toEqual(printed("before sign-in"));
    expect(await storage.listOutputs("anonymous", LESSON)).toEqual([]);
  });
});

describe("createProgressStore after its learner signed out", () => {
  it("drops pending edits and writes nothing more for that learner", async () => {
    const storage = createMemoryStorage();
    const laptop = device(fakeServer(), "u1", storage);
    await laptop.store.load();
    laptop.store.saveCode("a", "typed just before signing out");
    await laptop.store.discardFor("someone-else");
    await laptop.store.discardFor("u1");
    await storage.deleteOwner("u1");
    laptop.store.saveCode("a", "an editor's late echo");
    laptop.store.saveOutputs("a", [{ type: "text", stream: "stdout", text: "late" }]);
    await laptop.store.commitEdits();
    expect(await storage.listCells("u1", LESSON)).toEqual([]);
    expect(await storage.listOutputs("u1", LESSON)).toEqual([]);
    expect(await storage.listMutations()).toEqual([]);
  });
});
