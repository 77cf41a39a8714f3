import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  flushBeforeSignOut,
  unsavedChangesWarning,
  SIGN_OUT_FLUSH_TIMEOUT_MS,
} from "./flush-before-sign-out";
import { Outbox, type SyncTransport } from "./outbox";
import { createProgressStore } from "./store";
import { createMemoryStorage } from "./storage";
import type { SyncMutation } from "./schemas";

const DEBOUNCE = 400;

/** A learner with a debounced edit, and a server that answers when `answer` is called (or never). */
function learner(options: { answers: boolean }) {
  const received: SyncMutation[] = [];
  const transport: SyncTransport = (batch) =>
    new Promise((resolve) => {
      if (!options.answers) return; // the request hangs: a dead network, a stalled server
      received.push(...batch.mutations);
      const ids = batch.mutations.map((m) => m.id);
      resolve({ kind: "ok", body: { applied: ids, duplicates: [], stale: [], cells: [] } });
    });
  const storage = createMemoryStorage();
  const outbox = new Outbox({ storage, transport });
  const store = createProgressStore({
    lessonKey: "t/c/l",
    lessonCode: { a: "let a = 1;" },
    userId: "u1",
    outbox,
    storage,
    fetchProgress: async () => null,
    editDebounceMs: DEBOUNCE,
  });
  const deps = {
    commitEdits: () => store.commitEdits(),
    flush: () => outbox.flush(),
    remaining: async () => (await outbox.pending()).length + outbox.heldCount(),
  };
  return { received, storage, outbox, store, deps };
}

describe("flushBeforeSignOut", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends the edit still in the debounce timer before the session ends", async () => {
    const { received, outbox, store, deps } = learner({ answers: true });
    await store.load();
    store.saveCode("a", "// e2e_edit_mx91pjta");
    // Sign-out is pressed long before the debounce would have fired.
    const result = await flushBeforeSignOut(deps);
    expect(result).toEqual({ kept: 0, timedOut: false });
    expect(received.map((m) => m.payload)).toEqual([
      expect.objectContaining({ code: "// e2e_edit_mx91pjta" }),
    ]);
    expect(outbox.getStatus().state).toBe("saved");
  });

  it("waits at most the bound, then reports the changes kept for the account", async () => {
    const { received, storage, store, deps } = learner({ answers: false });
    await store.load();
    store.saveCode("a", "first");
    store.recordRun("a", "ok", 5);
    let settled: Awaited<ReturnType<typeof flushBeforeSignOut>> | null = null;
    void flushBeforeSignOut(deps).then((result) => (settled = result));
    await vi.advanceTimersByTimeAsync(SIGN_OUT_FLUSH_TIMEOUT_MS - 1);
    expect(settled).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toEqual({ kept: 2, timedOut: true });
    expect(received).toEqual([]);
    // Kept, under the account, for the next sign-in: nothing dropped.
    const entries = await storage.listMutations();
    expect(entries.map((e) => [e.owner, e.mutation.kind])).toEqual([
      ["u1", "code"],
      ["u1", "run"],
    ]);
  });

  it("still lets the learner sign out when sending throws", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const result = await flushBeforeSignOut({
      commitEdits: async () => undefined,
      flush: async () => {
        throw new Error("IndexedDB is gone");
      },
      remaining: async () => 3,
    });
    expect(result).toEqual({ kept: 3, timedOut: false });
    expect(error).toHaveBeenCalled();
  });

  it("asks the learner, in words, before changes not on the server are let go", () => {
    expect(unsavedChangesWarning(0)).toBeNull();
    expect(unsavedChangesWarning(1)).toBe(
      "1 change is not saved to your account yet. Signing out removes your work from this browser.",
    );
    expect(unsavedChangesWarning(4)).toMatch(/^4 changes are not saved to your account yet\./);
  });
});

describe("kept changes after sign-out", () => {
  it("go out when the same learner signs in again", async () => {
    const received: SyncMutation[] = [];
    let online = false;
    const transport: SyncTransport = async (batch) => {
      if (!online) return { kind: "retry", reason: "network down" };
      received.push(...batch.mutations);
      const ids = batch.mutations.map((m) => m.id);
      return { kind: "ok", body: { applied: ids, duplicates: [], stale: [], cells: [] } };
    };
    const storage = createMemoryStorage();
    const noTimers = { schedule: () => 0, cancel: () => undefined };
    const before = new Outbox({ storage, transport, ...noTimers });
    await before.setOwner("u1");
    await before.enqueue({
      id: crypto.randomUUID(),
      kind: "lesson",
      lessonKey: "t/c/l",
      cellId: "a",
      clientVersion: 0,
      at: 1,
      payload: { event: "visit" },
    });
    await before.flush();
    await before.setOwner(null);
    before.dispose();

    online = true;
    const after = new Outbox({ storage, transport, ...noTimers });
    await after.setOwner("u1"); // no edit, no explicit flush: signing in is enough
    await vi.waitFor(() => expect(received).toHaveLength(1));
  });
});
