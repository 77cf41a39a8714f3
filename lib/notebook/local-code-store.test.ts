import { describe, expect, it } from "vitest";
import { decideRestore, loadSavedCode, saveCode } from "./local-code-store";

class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() { return this.map.size; }
  clear() { this.map.clear(); }
  getItem(k: string) { return this.map.get(k) ?? null; }
  key(i: number) { return [...this.map.keys()][i] ?? null; }
  removeItem(k: string) { this.map.delete(k); }
  setItem(k: string, v: string) { this.map.set(k, v); }
}

describe("local code store", () => {
  it("saves edits per lesson and cell and forgets them when they equal the lesson code", () => {
    const s = new MemoryStorage();
    saveCode(s, "t/c/l", "a", "mine", "lesson");
    expect(loadSavedCode(s, "t/c/l", "a")).toMatchObject({ code: "mine", lessonCode: "lesson" });
    expect(loadSavedCode(s, "t/c/other", "a")).toBeNull();
    saveCode(s, "t/c/l", "a", "lesson", "lesson");
    expect(loadSavedCode(s, "t/c/l", "a")).toBeNull();
  });
  it("ignores corrupt entries", () => {
    const s = new MemoryStorage();
    s.setItem("courses:code:t/c/l:a", "{not json");
    expect(loadSavedCode(s, "t/c/l", "a")).toBeNull();
    s.setItem("courses:code:t/c/l:a", JSON.stringify({ code: 1 }));
    expect(loadSavedCode(s, "t/c/l", "a")).toBeNull();
  });
  it("restores edits, and asks when the lesson changed underneath them", () => {
    expect(decideRestore(null, "x")).toEqual({ type: "none" });
    expect(decideRestore({ code: "mine", lessonCode: "x", savedAt: 0 }, "x")).toEqual({ type: "restore", code: "mine" });
    expect(decideRestore({ code: "mine", lessonCode: "old", savedAt: 0 }, "new")).toEqual({ type: "conflict", mine: "mine", lessonCode: "new" });
    expect(decideRestore({ code: "new", lessonCode: "old", savedAt: 0 }, "new")).toEqual({ type: "none" });
  });
});
