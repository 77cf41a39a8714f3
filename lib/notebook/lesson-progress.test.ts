import { describe, expect, it } from "vitest";
import type { LoadedLesson, ProgressStore } from "@/lib/progress/store";
import { createCompletionTracker, rememberRun, restoreFromSaved } from "./lesson-progress";
import type { NotebookCellSpec } from "./run-request";

const spec = (
  id: string,
  role: "cell" | "exercise",
  kind: NotebookCellSpec["kind"] = "tfjs",
): NotebookCellSpec => ({
  id,
  kind,
  role,
  code: "",
  attributes: {},
});

function fakeStore() {
  const calls: string[] = [];
  let complete!: () => void;
  const store = {
    recordAttempt: (id: string, passed: boolean) => calls.push(`attempt ${id} ${passed}`),
    notePassedLocally: (id: string) => calls.push(`local pass ${id}`),
    setLastCell: (id: string) => calls.push(`last ${id}`),
    recordRun: (id: string, status: string, _ms: number, error?: string) =>
      calls.push(`run ${id} ${status}${error ? ` ${error}` : ""}`),
    markCompleted: () => {
      calls.push("markCompleted");
      return new Promise<void>((r) => (complete = r));
    },
  } as unknown as ProgressStore;
  return { store, calls, complete: () => complete() };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("restoreFromSaved", () => {
  it("restores code, conflicts and passes, but never over what was typed since the page opened", () => {
    const loaded: LoadedLesson = {
      cells: {
        a: { code: "saved a", status: null, passed: false },
        ex: { code: "saved ex", status: "ok", passed: true },
        b: {
          code: null,
          status: null,
          passed: false,
          conflict: { learnerCode: "mine", lessonCode: "new" },
        },
        gone: { code: "x", status: null, passed: true },
      },
      lastCellId: null,
      completed: false,
      source: "local",
    };
    const specs = new Map(
      [spec("a", "cell"), spec("ex", "exercise"), spec("b", "cell")].map((s) => [s.id, s]),
    );
    expect(restoreFromSaved(loaded, specs, new Set(["ex"]))).toEqual({
      type: "restore",
      codes: { a: "saved a" },
      conflicts: { b: { mine: "mine", lessonCode: "new" } },
      passed: ["ex"],
    });
  });
});

describe("rememberRun", () => {
  it("reports a browser-checked verdict, only notes a server-checked pass, and keeps the run", () => {
    const { store, calls } = fakeStore();
    const ok = { status: "ok" as const, durationMs: 3 };
    rememberRun(store, spec("t", "exercise", "tfjs"), {
      outcome: ok,
      verdict: { passed: true, message: "" },
    });
    rememberRun(store, spec("c", "exercise", "cypher"), {
      outcome: ok,
      verdict: { passed: true, message: "", verifiedBy: "server" },
    });
    rememberRun(store, spec("p", "cell"), {
      outcome: { status: "error", durationMs: 1 },
      firstError: "TypeError: x",
    });
    expect(calls).toEqual([
      "attempt t true",
      "last t",
      "run t ok",
      "local pass c",
      "last c",
      "run c ok",
      "last p",
      "run p error TypeError: x",
    ]);
  });
});

describe("the completion tracker", () => {
  const ok = { outcome: { status: "ok" as const, durationMs: 1 } };

  it("saves the completion once every exercise passed, and says so only after it is kept", async () => {
    const { store, calls, complete } = fakeStore();
    const shown: boolean[] = [];
    const tracker = createCompletionTracker(
      [spec("a", "cell"), spec("e1", "exercise"), spec("e2", "exercise")],
      () => store,
      (c) => shown.push(c),
    );
    tracker.restore(["e1"], false);
    tracker.noteRun("e2", { ...ok, verdict: { passed: false, message: "" } });
    tracker.update();
    expect(calls).toEqual([]);
    tracker.noteRun("e2", { ...ok, verdict: { passed: true, message: "" } });
    tracker.update();
    tracker.update();
    expect(calls).toEqual(["markCompleted"]);
    expect(shown).toEqual([false]);
    complete();
    await settle();
    expect(shown).toEqual([false, true]);
  });

  it("completes a lesson without exercises once every cell ran cleanly; reset starts over", async () => {
    const { store, calls, complete } = fakeStore();
    const shown: boolean[] = [];
    const tracker = createCompletionTracker(
      [spec("a", "cell"), spec("b", "cell")],
      () => store,
      (c) => shown.push(c),
    );
    tracker.noteRun("a", ok);
    tracker.noteRun("b", { outcome: { status: "error", durationMs: 1 } });
    tracker.update();
    expect(calls).toEqual([]);
    tracker.noteRun("b", ok);
    tracker.update();
    complete();
    await settle();
    expect(shown).toEqual([true]);
    tracker.reset();
    tracker.update();
    expect(calls).toEqual(["markCompleted"]);
    expect(shown).toEqual([true, false]);
  });

  it("waits for a store, and drops the answer of a store replaced meanwhile", async () => {
    const first = fakeStore();
    let current: ProgressStore | null = null;
    const shown: boolean[] = [];
    const tracker = createCompletionTracker(
      [spec("a", "cell")],
      () => current,
      (c) => shown.push(c),
    );
    tracker.noteRun("a", ok);
    tracker.update();
    current = first.store;
    tracker.update();
    expect(first.calls).toEqual(["markCompleted"]);
    current = fakeStore().store;
    first.complete();
    await settle();
    expect(shown).toEqual([]);
  });
});
