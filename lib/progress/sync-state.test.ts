import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Outbox, type SyncTransport, type TransportResult } from "./outbox";
import { createProgressStore } from "./store";
import { createMemoryStorage } from "./storage";
import type { SyncBatch, SyncMutation } from "./schemas";
import {
  INITIAL_FACTS,
  nextFacts,
  syncStatusOf,
  type SyncEvent,
  type SyncFacts,
} from "./sync-state";

const run = (...events: SyncEvent[]): SyncFacts => events.reduce(nextFacts, INITIAL_FACTS);
const stateAfter = (...events: SyncEvent[]) => syncStatusOf(run(...events)).state;
const signedIn: SyncEvent = { type: "owner", signedIn: true };
const counted = (queued: number, parked = 0): SyncEvent => ({
  type: "counted",
  queued,
  parked,
  parkedReason: parked ? "code: too long" : null,
});

describe("the sync state machine", () => {
  it("is saved only with nothing debounced, queued or in flight", () => {
    expect(stateAfter(signedIn, counted(0))).toBe("saved");
    expect(stateAfter(signedIn, counted(0), { type: "hold" })).toBe("saving");
    expect(stateAfter(signedIn, counted(1))).toBe("saving");
    expect(stateAfter(signedIn, counted(0), { type: "send" })).toBe("saving");
  });

  it("stays saving when an edit is made during an in-flight request that then succeeds", () => {
    const facts = run(
      signedIn,
      counted(1),
      { type: "send" },
      { type: "hold" },
      { type: "answered" },
    );
    // The batch was answered and deleted: the outbox is empty, but the edit is still debounced.
    expect(syncStatusOf(nextFacts(facts, counted(0)))).toMatchObject({
      state: "saving",
      pending: 1,
    });
    const sent = run(signedIn, counted(0), { type: "hold" }, counted(1), { type: "release" });
    expect(syncStatusOf(sent)).toMatchObject({ state: "saving", pending: 1 });
    expect(
      stateAfter(signedIn, counted(1), { type: "hold" }, { type: "release" }, counted(0)),
    ).toBe("saved");
  });

  it("says refused, not saved, when only parked changes are left", () => {
    const status = syncStatusOf(run(signedIn, counted(0, 2)));
    expect(status).toMatchObject({ state: "refused", pending: 0, parked: 2 });
    // Something on its way still says so first; the parked count is shown beside it.
    expect(stateAfter(signedIn, counted(1, 2))).toBe("saving");
  });

  it("is offline while a retry waits, and saving again once the server answers", () => {
    const failed = run(
      signedIn,
      counted(2),
      { type: "send" },
      { type: "failed", reason: "HTTP 503" },
    );
    expect(syncStatusOf(failed)).toMatchObject({
      state: "offline",
      pending: 2,
      lastError: "HTTP 503",
    });
    expect(syncStatusOf(nextFacts(failed, { type: "answered" })).state).toBe("saving");
  });

  it("is local when nobody is signed in, or after the server said the session is gone", () => {
    expect(stateAfter(counted(0))).toBe("local");
    expect(stateAfter(signedIn, counted(1), { type: "send" }, { type: "unauthorized" })).toBe(
      "local",
    );
  });

  it("never counts a released change twice", () => {
    const facts = run(signedIn, { type: "release" }, { type: "release" }, { type: "hold" });
    expect(syncStatusOf(facts)).toMatchObject({ state: "saving", pending: 1 });
  });
});

/** A server whose answers the test releases one by one (a request "in flight"). */
function gatedServer(answer: (batch: SyncBatch) => TransportResult | "ok" = () => "ok") {
  const received: SyncMutation[][] = [];
  const gates: (() => void)[] = [];
  const transport: SyncTransport = (batch) =>
    new Promise((resolve) => {
      gates.push(() => {
        const result = answer(batch);
        if (result !== "ok") return resolve(result);
        received.push(batch.mutations);
        const ids = batch.mutations.map((m) => m.id);
        resolve({ kind: "ok", body: { applied: ids, duplicates: [], stale: [], cells: [] } });
      });
    });
  return {
    transport,
    received,
    inFlight: () => gates.length,
    answer: () => gates.shift()?.(),
  };
}

const DEBOUNCE = 400;
const lessonCode = { a: "let a = 1;" };

function setUp(server: ReturnType<typeof gatedServer>) {
  const storage = createMemoryStorage();
  const outbox = new Outbox({ storage, transport: server.transport });
  const store = createProgressStore({
    lessonKey: "t/c/l",
    lessonCode,
    userId: "u1",
    outbox,
    storage,
    fetchProgress: async () => null,
    editDebounceMs: DEBOUNCE,
  });
  return { storage, outbox, store };
}

describe("the indicator over the real store and outbox (fake timers)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says saving while the last keystrokes are still in the debounce timer", async () => {
    const server = gatedServer();
    const { outbox, store } = setUp(server);
    await store.load();
    expect(outbox.getStatus().state).toBe("saved");
    store.saveCode("a", "let a = 4");
    await vi.advanceTimersByTimeAsync(DEBOUNCE - 1);
    expect(outbox.getStatus()).toMatchObject({ state: "saving", pending: 1 });
    expect(server.inFlight()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.inFlight()).toBe(1);
    server.answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.getStatus()).toMatchObject({ state: "saved", pending: 0 });
  });

  it("keeps saving when the learner types during an in-flight request that then succeeds", async () => {
    const server = gatedServer();
    const { outbox, store } = setUp(server);
    await store.load();
    // A pause mid-typing (a slow machine) lets the first characters go out…
    store.saveCode("a", "// e2e_edit_m");
    await vi.advanceTimersByTimeAsync(DEBOUNCE);
    expect(server.inFlight()).toBe(1);
    // …and the rest are typed while that request is on its way.
    store.saveCode("a", "// e2e_edit_mx91pjta");
    server.answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.received.flat().map((m) => m.payload)).toEqual([
      { code: "// e2e_edit_m", lessonCodeHash: expect.any(String) },
    ]);
    expect(outbox.getStatus()).toMatchObject({ state: "saving", pending: 1 });
    await vi.advanceTimersByTimeAsync(DEBOUNCE);
    expect(outbox.getStatus().state).toBe("saving");
    server.answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.received.flat().at(-1)?.payload).toMatchObject({ code: "// e2e_edit_mx91pjta" });
    expect(outbox.getStatus()).toMatchObject({ state: "saved", pending: 0 });
  });

  it("keeps saving when an edit reaches the outbox while an earlier batch is in flight", async () => {
    const server = gatedServer();
    const { outbox, store } = setUp(server);
    await store.load();
    store.saveCode("a", "first");
    await vi.advanceTimersByTimeAsync(DEBOUNCE);
    store.saveCode("a", "second");
    await vi.advanceTimersByTimeAsync(DEBOUNCE); // in the outbox, behind the in-flight batch
    expect(server.inFlight()).toBe(1);
    server.answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.getStatus()).toMatchObject({ state: "saving", pending: 1 });
    server.answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.getStatus().state).toBe("saved");
  });

  it("says refused, not saved, when the server parks the learner's change", async () => {
    const server = gatedServer(() => ({
      kind: "invalid",
      status: 422,
      fieldErrors: { "mutations.0.payload.code": ["too long"] },
    }));
    const { outbox, store } = setUp(server);
    await store.load();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    store.saveCode("a", "x".repeat(10));
    await vi.advanceTimersByTimeAsync(DEBOUNCE);
    server.answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(outbox.getStatus()).toMatchObject({
      state: "refused",
      pending: 0,
      parked: 1,
      parkedReason: "code: too long",
    });
  });

  it("files an edit debounced at sign-out under the account that made it", async () => {
    const server = gatedServer();
    const { outbox, storage, store } = setUp(server);
    await store.load();
    store.saveCode("a", "mine");
    // Signing out: the tab's outbox belongs to nobody now, then the old store lets go.
    await outbox.setOwner(null);
    store.dispose();
    await vi.advanceTimersByTimeAsync(0);
    const entries = await storage.listMutations();
    expect(entries.map((entry) => [entry.owner, entry.mutation.kind])).toEqual([["u1", "code"]]);
  });
});
