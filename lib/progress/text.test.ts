import { describe, expect, it } from "vitest";
import { isWellFormedText, truncateText } from "./text";

describe("truncateText", () => {
  it("never splits a surrogate pair at the limit", () => {
    const text = "ab😀cd"; // 😀 is two code units, at indices 2 and 3
    expect(truncateText(text, 3)).toBe("ab");
    expect(isWellFormedText(truncateText(text, 3))).toBe(true);
    expect(truncateText(text, 4)).toBe("ab😀");
    expect(truncateText(text, 2)).toBe("ab");
  });

  it("cuts an error message of emoji at 4,000 units into well-formed text", () => {
    const message = "x" + "😀".repeat(3_000); // the pair straddles unit 4,000
    const cut = truncateText(message, 4_000);
    expect(cut.length).toBe(3_999);
    expect(isWellFormedText(cut)).toBe(true);
    // What `.slice(0, 4000)` (the old cut) produced: a lone high surrogate at the end.
    expect(isWellFormedText(message.slice(0, 4_000))).toBe(false);
  });

  it("leaves short text and plain text alone", () => {
    expect(truncateText("short", 4_000)).toBe("short");
    expect(truncateText("abcdef", 3)).toBe("abc");
    expect(truncateText("", 0)).toBe("");
  });
});

describe("isWellFormedText", () => {
  it("refuses lone surrogates and accepts pairs", () => {
    expect(isWellFormedText("a\ud800b")).toBe(false);
    expect(isWellFormedText("a\udc00")).toBe(false);
    expect(isWellFormedText("naïve 😀 数学")).toBe(true);
  });
});
