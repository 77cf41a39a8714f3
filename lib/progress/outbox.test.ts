import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Outbox, type SyncTransport, type TransportResult } from "./outbox";
import { createMemoryStorage, ANONYMOUS } from "./storage";
import type { SyncBatch, SyncMutation } from "./schemas";

const T0 = 1_800_000_000_000;
const edit = (n: number): SyncMutation => ({
  id: randomUUID(), kind: "code", lessonKey: "t/c/l", cellId: `c${n % 3}`, clientVersion: 0, at: T0 + n, payload: { code: `v${n}`, lessonCodeHash: "h" },
});

/** A server stand-in that records what it received and answers as scripted. */
function fakeServer(script: (batch: SyncBatch, call: number) => TransportResult | "ok") {
  const received: SyncMutation[] = [];
  let call = 0;
  const transport: SyncTransport = async (batch) => {
    const answer = script(batch, call++);
    if (answer !== "ok") return answer;
    received.push(...batch.mutations);
    return { kind: "ok", body: { applied: batch.mutations.map((m) => m.id), duplicates: [], stale: [], cells: [] } };
  };
  return { transport, received, calls: () => call };
}

function manualTimers() {
  const timers: (() => void)[] = [];
  return {
    schedule: (callback: () => void) => timers.push(callback),
    cancel: () => undefined,
    runAll: async () => {
      while (timers.length) timers.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    count: () => timers.length,
  };
}

describe("Outbox", () => {
  it("keeps writes while the server is unreachable and delivers all of them after recovery", async () => {
    let online = false;
    const server = fakeServer(() => (online ? "ok" : { kind: "retry", reason: "network down" }));
    const timers = manualTimers();
    const outbox = new Outbox({ storage: createMemoryStorage(), transport: server.transport, batchSize: 7, schedule: timers.schedule, cancel: timers.cancel });
    await outbox.setOwner("user-1");
    const statuses: string[] = [];
    outbox.subscribe((status) => statuses.push(status.state));
    const mutations = Array.from({ length: 30 }, (_, i) => edit(i));
    for (const mutation of mutations) await outbox.enqueue(mutation);
    await outbox.flush();
    expect(outbox.getStatus()).toMatchObject({ state: "offline", pending: 30 });
    expect(timers.count()).toBe(1);
    online = true;
    await timers.runAll();
    await outbox.flush();
    expect(outbox.getStatus()).toMatchObject({ state: "saved", pending: 0 });
    expect(server.received.map((m) => m.id)).toEqual(mutations.map((m) => m.id));
    expect(statuses).toContain("offline");
  });

  it("resends a batch whose answer was lost; the ids make the resend harmless", async () => {
    let lose = true;
    const server = fakeServer(() => "ok");
    const transport: SyncTransport = async (batch) => {
      const result = await server.transport(batch);
      if (lose) {
        lose = false;
        return { kind: "retry", reason: "connection reset after the server committed" };
      }
      return result;
    };
    const timers = manualTimers();
    const outbox = new Outbox({ storage: createMemoryStorage(), transport, schedule: timers.schedule, cancel: timers.cancel });
    await outbox.setOwner("user-1");
    const mutations = [edit(1), edit(2)];
    for (const mutation of mutations) await outbox.enqueue(mutation);
    await outbox.flush();
    await timers.runAll();
    await outbox.flush();
    expect(outbox.getStatus().pending).toBe(0);
    // Sent twice; the server's mutation-id table turns the second into duplicates.
    expect(server.received.map((m) => m.id)).toEqual([...mutations, ...mutations].map((m) => m.id));
  });

  it("keeps anonymous work locally and sends it once the learner signs in", async () => {
    const server = fakeServer(() => "ok");
    const storage = createMemoryStorage();
    const outbox = new Outbox({ storage, transport: server.transport });
    await outbox.setOwner(null);
    // Nothing waits yet, but nothing reaches an account either: the indicator must not say "saved".
    expect(outbox.getStatus()).toMatchObject({ state: "local", pending: 0 });
    await outbox.enqueue(edit(1));
    await outbox.flush();
    expect(outbox.getStatus()).toMatchObject({ state: "local", pending: 1 });
    expect(server.received).toEqual([]);
    expect((await storage.listMutations())[0]?.owner).toBe(ANONYMOUS);
    await outbox.setOwner("user-1");
    await outbox.flush();
    expect(server.received).toHaveLength(1);
    expect(outbox.getStatus().state).toBe("saved");
  });

  it("does not send another account's pending work", async () => {
    const server = fakeServer(() => "ok");
    const storage = createMemoryStorage();
    await storage.addMutation("user-a", edit(1));
    const outbox = new Outbox({ storage, transport: server.transport });
    await outbox.setOwner("user-b");
    await outbox.enqueue(edit(2));
    await outbox.flush();
    expect(server.received).toHaveLength(1);
    expect(await storage.listMutations()).toHaveLength(1);
  });

  it("stops on 401 and keeps everything", async () => {
    const server = fakeServer(() => ({ kind: "unauthorized" }));
    const outbox = new Outbox({ storage: createMemoryStorage(), transport: server.transport });
    await outbox.setOwner("user-1");
    await outbox.enqueue(edit(1));
    await outbox.flush();
    expect(outbox.getStatus()).toMatchObject({ state: "local", pending: 1 });
  });

  it("drops only the mutation the server refuses (422) and delivers the rest", async () => {
    const server = fakeServer((batch) => (batch.mutations.length > 1 && batch.mutations[1]?.cellId === "c2" ? { kind: "invalid", status: 422, fieldErrors: { "mutations.1.payload.code": ["too long"] } } : "ok"));
    const outbox = new Outbox({ storage: createMemoryStorage(), transport: server.transport });
    await outbox.setOwner("user-1");
    const mutations = [edit(0), edit(2), edit(4)];
    for (const mutation of mutations) await outbox.enqueue(mutation);
    await outbox.flush();
    expect(server.received.map((m) => m.id)).toEqual([mutations[0]!.id, mutations[2]!.id]);
    expect(outbox.getStatus().pending).toBe(0);
  });

  it("halves the batch on 413 instead of dropping work", async () => {
    const server = fakeServer((batch) => (batch.mutations.length > 2 ? { kind: "invalid", status: 413, fieldErrors: {} } : "ok"));
    const outbox = new Outbox({ storage: createMemoryStorage(), transport: server.transport, batchSize: 8 });
    await outbox.setOwner("user-1");
    for (let i = 0; i < 9; i++) await outbox.enqueue(edit(i));
    await outbox.flush();
    expect(server.received).toHaveLength(9);
  });

  it("fits a beacon under the size limit and leaves the mutations in the outbox", async () => {
    const outbox = new Outbox({ storage: createMemoryStorage(), transport: async () => ({ kind: "retry", reason: "x" }) , schedule: () => 0, cancel: () => undefined });
    await outbox.setOwner("user-1");
    for (let i = 0; i < 50; i++) await outbox.enqueue(edit(i));
    const bodies: string[] = [];
    const sent = outbox.beaconPending((body) => (bodies.push(body), true), 2_000);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(50);
    expect(bodies[0]!.length).toBeLessThanOrEqual(2_000);
    expect((await outbox.pending()).length).toBe(50);
  });
});
