import { describe, expect, it } from "vitest";
import { coalesce, pendingInputFromKey } from "./static-input";

const key = (
  k: string,
  mods: Partial<Record<"ctrl" | "meta" | "alt" | "shift", boolean>> = {},
) => ({
  key: k,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  altKey: mods.alt ?? false,
  shiftKey: mods.shift ?? false,
});

describe("pendingInputFromKey", () => {
  it("keeps printable characters, shifted ones included", () => {
    expect(pendingInputFromKey(key("a"))).toEqual({ kind: "text", text: "a" });
    expect(pendingInputFromKey(key("A", { shift: true }))).toEqual({ kind: "text", text: "A" });
    expect(pendingInputFromKey(key(" "))).toEqual({ kind: "text", text: " " });
    expect(pendingInputFromKey(key("?", { shift: true }))).toEqual({ kind: "text", text: "?" });
  });

  it("turns Enter into a new line but leaves Shift+Enter and Ctrl+Enter to the cell", () => {
    expect(pendingInputFromKey(key("Enter"))).toEqual({ kind: "text", text: "\n" });
    expect(pendingInputFromKey(key("Enter", { shift: true }))).toBeNull();
    expect(pendingInputFromKey(key("Enter", { ctrl: true }))).toBeNull();
    expect(pendingInputFromKey(key("Enter", { meta: true }))).toBeNull();
  });

  it("maps editing and cursor keys to editor commands", () => {
    expect(pendingInputFromKey(key("Backspace"))).toEqual({
      kind: "command",
      command: "deleteLeft",
    });
    expect(pendingInputFromKey(key("ArrowDown"))).toEqual({
      kind: "command",
      command: "cursorDown",
    });
    expect(pendingInputFromKey(key("End"))).toEqual({ kind: "command", command: "cursorEnd" });
  });

  it("ignores shortcuts, modifiers alone, Tab and Escape", () => {
    for (const k of ["Shift", "Control", "Tab", "Escape", "F5"])
      expect(pendingInputFromKey(key(k))).toBeNull();
    expect(pendingInputFromKey(key("c", { ctrl: true }))).toBeNull();
    expect(pendingInputFromKey(key("v", { meta: true }))).toBeNull();
    expect(pendingInputFromKey({ ...key("a"), isComposing: true })).toBeNull();
  });
});

describe("coalesce", () => {
  it("joins runs of text and keeps commands in order", () => {
    expect(
      coalesce([
        { kind: "text", text: "a" },
        { kind: "text", text: "b" },
        { kind: "command", command: "deleteLeft" },
        { kind: "text", text: "c" },
      ]),
    ).toEqual([
      { kind: "text", text: "ab" },
      { kind: "command", command: "deleteLeft" },
      { kind: "text", text: "c" },
    ]);
  });
});
