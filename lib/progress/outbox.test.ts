import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import {
  createFetchTransport,
  Outbox,
  parseRetryAfter,
  type SyncTransport,
  type TransportResult,
} from "./outbox";
import { createMemoryStorage, ANONYMOUS } from "./storage";
import type { SyncBatch, SyncMutation } from "./schemas";

const T0 = 1_800_000_000_000;
const edit = (n: number): SyncMutation => ({
  id: randomUUID(),
  kind: "code",
  lessonKey: "t/c/l",
  cellId: `c${n % 3}`,
  clientVersion: 0,
  at: T0 + n,
  payload: { code: `v${n}`, lessonCodeHash: "h" },
});

/** A server stand-in that records what it received and answers as scripted. */
function fakeServer(script: (batch: SyncBatch, call: number) => TransportResult | "ok") {
  const received: SyncMutation[] = [];
  let call = 0;
  const transport: SyncTransport = async (batch) => {
    const answer = script(batch, call++);
    if (answer !== "ok") return answer;
    received.push(...batch.mutations);
    return {
      kind: "ok",
      body: { applied: batch.mutations.map((m) => m.id), duplicates: [], stale: [], cells: [] },
    };
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
    const outbox = new Outbox({
      storage: createMemoryStorage(),
      transport: server.transport,
      batchSize: 7,
      schedule: timers.schedule,
      cancel: timers.cancel,
    });
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
    const outbox = new Outbox({
      storage: createMemoryStorage(),
      transport,
      schedule: timers.schedule,
      cancel: timers.cancel,
    });
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

  it("parks only the mutation the server refuses (422), keeps it, and delivers the rest", async () => {
    const server = fakeServer((batch) =>
      batch.mutations.length > 1 && batch.mutations[1]?.cellId === "c2"
        ? {
            kind: "invalid",
            status: 422,
            fieldErrors: { "mutations.1.payload.code": ["must be well-formed text"] },
          }
        : "ok",
    );
    const storage = createMemoryStorage();
    const outbox = new Outbox({ storage, transport: server.transport });
    await outbox.setOwner("user-1");
    const mutations = [edit(0), edit(2), edit(4)];
    for (const mutation of mutations) await outbox.enqueue(mutation);
    await outbox.flush();
    expect(server.received.map((m) => m.id)).toEqual([mutations[0]!.id, mutations[2]!.id]);
    // Parked is not saved: the indicator says "refused", the learner decides.
    expect(outbox.getStatus()).toMatchObject({
      state: "refused",
      pending: 0,
      parked: 1,
      parkedReason: "code: must be well-formed text",
    });
    expect((await storage.listMutations()).map((entry) => entry.mutation.id)).toEqual([
      mutations[1]!.id,
    ]);
  });

  it("parks a batch refused as invalid and never resends it, while later batches sync", async () => {
    const poison: SyncMutation = {
      ...edit(1),
      kind: "code",
      payload: { code: "a\ud800b", lessonCodeHash: "h" },
    };
    const server = fakeServer((batch) =>
      batch.mutations.some((m) => m.id === poison.id)
        ? {
            kind: "invalid",
            status: 422,
            fieldErrors: { "mutations.0.payload.code": ["must be well-formed text"] },
          }
        : "ok",
    );
    const timers = manualTimers();
    const outbox = new Outbox({
      storage: createMemoryStorage(),
      transport: server.transport,
      batchSize: 1,
      schedule: timers.schedule,
      cancel: timers.cancel,
    });
    await outbox.setOwner("user-1");
    await outbox.enqueue(poison);
    await outbox.flush();
    const later = [edit(2), edit(3)];
    for (const mutation of later) await outbox.enqueue(mutation);
    await outbox.flush();
    await outbox.flush();
    expect(server.received.map((m) => m.id)).toEqual(later.map((m) => m.id));
    expect(server.calls()).toBe(3); // the refused batch was sent once, never again
    expect(timers.count()).toBe(0); // and no retry is scheduled for it
    expect(outbox.getStatus()).toMatchObject({ state: "refused", pending: 0, parked: 1 });
  });

  it("parks the whole batch when the refusal names no mutation (400), with the server's message", async () => {
    const server = fakeServer(() => ({
      kind: "invalid",
      status: 400,
      fieldErrors: {},
      message: "Malformed request.",
    }));
    const outbox = new Outbox({ storage: createMemoryStorage(), transport: server.transport });
    await outbox.setOwner("user-1");
    for (let i = 0; i < 3; i++) await outbox.enqueue(edit(i));
    await outbox.flush();
    expect(server.calls()).toBe(1);
    expect(outbox.getStatus()).toMatchObject({
      pending: 0,
      parked: 3,
      parkedReason: "Malformed request.",
    });
  });

  it("keeps parked changes across a reload, and lets the learner retry or discard them", async () => {
    let refuse = true;
    const server = fakeServer(() =>
      refuse
        ? {
            kind: "invalid",
            status: 422,
            fieldErrors: { "mutations.0.payload.code": ["too long"] },
          }
        : "ok",
    );
    const storage = createMemoryStorage();
    const first = new Outbox({ storage, transport: server.transport });
    await first.setOwner("user-1");
    const refused = edit(1);
    await first.enqueue(refused);
    await first.flush();
    first.dispose();

    // A new page on the same storage: the parked change is there and is not sent by itself.
    const reloaded = new Outbox({ storage, transport: server.transport });
    await reloaded.setOwner("user-1");
    await reloaded.flush();
    expect(server.calls()).toBe(1);
    expect(reloaded.getStatus()).toMatchObject({
      state: "refused",
      pending: 0,
      parked: 1,
      parkedReason: "code: too long",
    });

    refuse = false;
    await reloaded.retryParked();
    expect(server.received.map((m) => m.id)).toEqual([refused.id]);
    expect(reloaded.getStatus()).toMatchObject({ state: "saved", pending: 0, parked: 0 });

    refuse = true;
    await reloaded.enqueue(edit(2));
    await reloaded.flush();
    expect(reloaded.getStatus().parked).toBe(1);
    await reloaded.discardParked();
    expect(reloaded.getStatus()).toMatchObject({
      state: "saved",
      pending: 0,
      parked: 0,
      parkedReason: null,
    });
    expect(await storage.listMutations()).toEqual([]);
  });

  it("retries a 503 with growing, jittered delays capped at the maximum", async () => {
    const server = fakeServer(() => ({ kind: "retry", reason: "HTTP 503", retryAfterMs: 2_000 }));
    const delays: number[] = [];
    const pendingTimers: (() => void)[] = [];
    const outbox = new Outbox({
      storage: createMemoryStorage(),
      transport: server.transport,
      backoff: { baseMs: 1_000, maxMs: 30_000 },
      schedule: (callback, ms) => (delays.push(ms), pendingTimers.push(callback)),
      cancel: () => undefined,
    });
    await outbox.setOwner("user-1");
    await outbox.enqueue(edit(1));
    await outbox.flush();
    for (let i = 0; i < 7; i++) {
      pendingTimers.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
      await outbox.flush();
    }
    expect(server.calls()).toBeGreaterThanOrEqual(8);
    // 1 s, 2 s, 4 s … (±25 %), never below Retry-After, never above 30 s.
    expect(delays[0]).toBeGreaterThanOrEqual(2_000);
    for (const [i, ms] of delays.entries()) {
      const nominal = Math.min(30_000, 1_000 * 2 ** i);
      expect(ms).toBeGreaterThanOrEqual(Math.max(2_000, Math.min(30_000, nominal * 0.75)));
      expect(ms).toBeLessThanOrEqual(Math.max(2_000, Math.min(30_000, nominal * 1.25)));
    }
    expect(delays[4]!).toBeGreaterThan(delays[1]!);
    expect(delays.at(-1)).toBeLessThanOrEqual(30_000);
    expect(outbox.getStatus()).toMatchObject({ state: "offline", pending: 1, parked: 0 });
  });

  it("waits at least Retry-After on 429", async () => {
    const server = fakeServer(() => ({ kind: "retry", reason: "HTTP 429", retryAfterMs: 45_000 }));
    const delays: number[] = [];
    const outbox = new Outbox({
      storage: createMemoryStorage(),
      transport: server.transport,
      schedule: (_callback, ms) => delays.push(ms),
      cancel: () => undefined,
    });
    await outbox.setOwner("user-1");
    await outbox.enqueue(edit(1));
    await outbox.flush();
    expect(delays).toEqual([45_000]);
  });

  it("halves the batch on 413 instead of dropping work", async () => {
    const server = fakeServer((batch) =>
      batch.mutations.length > 2 ? { kind: "invalid", status: 413, fieldErrors: {} } : "ok",
    );
    const outbox = new Outbox({
      storage: createMemoryStorage(),
      transport: server.transport,
      batchSize: 8,
    });
    await outbox.setOwner("user-1");
    for (let i = 0; i < 9; i++) await outbox.enqueue(edit(i));
    await outbox.flush();
    expect(server.received).toHaveLength(9);
  });

  it("fits a beacon under the size limit and leaves the mutations in the outbox", async () => {
    const outbox = new Outbox({
      storage: createMemoryStorage(),
      transport: async () => ({ kind: "retry", reason: "x" }),
      schedule: () => 0,
      cancel: () => undefined,
    });
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

describe("createFetchTransport", () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    createFetchTransport({
      fetch: async () =>
        new Response(JSON.stringify(body), {
          status,
          headers: { "content-type": "application/json", ...headers },
        }),
    });
  const batch = { mutations: [edit(1)] };

  it("treats 400, 403, 413 and 422 as refusals (parked), not as outages", async () => {
    for (const status of [400, 403, 413, 422]) {
      expect(
        await answer(status, {
          error: "No.",
          fieldErrors: { "mutations.0.payload.code": ["bad"] },
        })(batch),
      ).toEqual({
        kind: "invalid",
        status,
        fieldErrors: { "mutations.0.payload.code": ["bad"] },
        message: "No.",
      });
    }
  });

  it("retries 5xx, 408 and 429, passing Retry-After on", async () => {
    expect(await answer(503, {}, { "retry-after": "2" })(batch)).toEqual({
      kind: "retry",
      reason: "HTTP 503",
      retryAfterMs: 2_000,
    });
    expect(await answer(429, {}, { "retry-after": "30" })(batch)).toEqual({
      kind: "retry",
      reason: "HTTP 429",
      retryAfterMs: 30_000,
    });
    expect(await answer(408, {})(batch)).toEqual({ kind: "retry", reason: "HTTP 408" });
    expect(await answer(401, {})(batch)).toEqual({ kind: "unauthorized" });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, and caps absurd values", () => {
    expect(parseRetryAfter("3")).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter("999999")).toBe(600_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter("soon")).toBeUndefined();
  });
});
