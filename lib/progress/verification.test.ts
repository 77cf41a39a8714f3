import { describe, expect, it } from "vitest";
import { completionShortfall, lessonIndexFrom, unknownKeyErrors } from "./lesson-index";
import { Outbox, type SyncTransport } from "./outbox";
import type { SyncBatch } from "./schemas";
import { createMemoryStorage } from "./storage";
import { createProgressStore } from "./store";
import {
  browserReportsVerdict,
  passCounts,
  requiredVerification,
  type Verification,
} from "./verification";

describe("who vouches for a result", () => {
  it("takes the browser's word only for tfjs", () => {
    expect(passCounts("tfjs", "self-reported")).toBe(true);
    expect(passCounts("cypher", "self-reported")).toBe(false);
    expect(passCounts("rust", "self-reported")).toBe(false);
    expect(passCounts("rust", "server")).toBe(true);
    expect(requiredVerification("tfjs")).toBe("self-reported");
    expect(requiredVerification("cypher")).toBe("server");
  });

  it("the notebook reports only browser-run checks", () => {
    expect(browserReportsVerdict("tfjs", { passed: true })).toBe(true);
    expect(browserReportsVerdict("cypher", { passed: true, verifiedBy: "server" })).toBe(false);
    // Even a Cypher verdict without the marker (the check could not reach the server) is not sent.
    expect(browserReportsVerdict("cypher", { passed: false })).toBe(false);
    expect(browserReportsVerdict("rust", { passed: true })).toBe(false);
  });
});

describe("completionShortfall", () => {
  const index = lessonIndexFrom({
    "t/c/ex": [
      { id: "a", kind: "tfjs", role: "cell" },
      { id: "fit", kind: "tfjs", role: "exercise" },
      { id: "q", kind: "cypher", role: "exercise" },
    ],
    "t/c/plain": [
      { id: "one", kind: "rust", role: "cell" },
      { id: "two", kind: "rust", role: "cell" },
    ],
    "t/c/empty": [],
  });
  const lesson = (key: string) => index.get(key)!;

  it("needs every exercise passed with the verification its kind requires", () => {
    const passes = new Map<string, Set<Verification>>([
      ["fit", new Set(["self-reported"])],
      ["q", new Set(["self-reported"])],
    ]);
    expect(
      completionShortfall(lesson("t/c/ex"), { passes, runOk: new Set(["a", "fit", "q"]) }),
    ).toMatch(/missing: 'q'/);
    passes.set("q", new Set(["self-reported", "server"]));
    expect(completionShortfall(lesson("t/c/ex"), { passes, runOk: new Set() })).toBeNull();
  });

  it("without exercises, needs every cell's latest run to have succeeded; an empty lesson never completes", () => {
    expect(
      completionShortfall(lesson("t/c/plain"), { passes: new Map(), runOk: new Set(["one"]) }),
    ).toBe("not every cell has run without an error (missing: 'two')");
    expect(
      completionShortfall(lesson("t/c/plain"), {
        passes: new Map(),
        runOk: new Set(["one", "two"]),
      }),
    ).toBeNull();
    expect(completionShortfall(lesson("t/c/empty"), { passes: new Map(), runOk: new Set() })).toBe(
      "the lesson has no cells to complete",
    );
  });

  it("names unknown lessons and cells by the mutation's place", () => {
    expect(
      unknownKeyErrors(
        [
          { lessonKey: "t/c/ex", cellId: "a" },
          { lessonKey: "t/c/ex", cellId: "zz" },
          { lessonKey: "nope", cellId: "a" },
        ],
        index,
      ),
    ).toEqual({
      "mutations.1.cellId": ["no cell 'zz' in lesson 't/c/ex'"],
      "mutations.2.lessonKey": ["no lesson 'nope' in the catalogue (renamed or removed?)"],
    });
  });
});

describe("the store's local-only pass", () => {
  it("remembers a server-checked pass in this browser without sending anything", async () => {
    const sent: SyncBatch[] = [];
    const transport: SyncTransport = async (batch) => {
      sent.push(batch);
      return {
        kind: "ok",
        body: { applied: batch.mutations.map((m) => m.id), duplicates: [], stale: [], cells: [] },
      };
    };
    const storage = createMemoryStorage();
    const outbox = new Outbox({ storage, transport, schedule: () => 0, cancel: () => undefined });
    const store = createProgressStore({
      lessonKey: "t/c/ex",
      lessonCode: { q: "MATCH (n) RETURN n" },
      userId: "u1",
      outbox,
      storage,
      fetchProgress: async () => null,
    });
    await store.load();
    store.notePassedLocally("q");
    await store.flush();
    expect(sent.flatMap((b) => b.mutations)).toEqual([]);
    expect((await store.load()).cells.q?.passed).toBe(true);
  });
});
