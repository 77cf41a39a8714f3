import { describe, expect, it } from "vitest";
import { formatKilobytes, rowRangeLabel, tablePage, textTail, utf8Bytes } from "./output-bounds";

describe("textTail", () => {
  it("shows a short text whole", () => {
    expect(textTail("a\nb\n", 100)).toEqual({ visible: "a\nb\n", hiddenBytes: 0, totalBytes: 4 });
  });

  it("keeps the end of a print loop, starting at a line", () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join("\n");
    const tail = textTail(text, 1024);
    expect(tail.visible.endsWith("line 9999")).toBe(true);
    expect(tail.visible.startsWith("line ")).toBe(true);
    expect(utf8Bytes(tail.visible)).toBeLessThanOrEqual(1024);
    expect(utf8Bytes(tail.visible)).toBeGreaterThan(700);
    expect(tail.hiddenBytes + utf8Bytes(tail.visible)).toBe(tail.totalBytes);
    expect(tail.totalBytes).toBe(utf8Bytes(text));
  });

  it("counts multi-byte characters and never splits a surrogate pair", () => {
    const text = "😀".repeat(100); // 4 bytes each
    const tail = textTail(text, 10);
    expect(tail.visible).toBe("😀😀");
    expect(tail.hiddenBytes).toBe(392);
    expect(utf8Bytes("é€")).toBe(5);
  });

  it("cuts mid-line when a single line is longer than the tail", () => {
    const tail = textTail("x".repeat(5000), 100);
    expect(tail.visible).toBe("x".repeat(100));
  });
});

describe("tablePage", () => {
  it("pages 1,000 rows by 50", () => {
    const second = tablePage(1000, 1);
    expect(second).toEqual({ page: 1, pageCount: 20, start: 50, end: 100 });
    expect(rowRangeLabel(second, 1000)).toBe("rows 51–100 of 1,000");
  });

  it("clamps to the pages that exist, and a short last page", () => {
    expect(tablePage(120, 99)).toEqual({ page: 2, pageCount: 3, start: 100, end: 120 });
    expect(tablePage(120, -3).page).toBe(0);
    expect(tablePage(0, 0)).toEqual({ page: 0, pageCount: 1, start: 0, end: 0 });
    expect(rowRangeLabel(tablePage(0, 0), 0)).toBe("no rows");
  });
});

describe("formatKilobytes", () => {
  it("rounds to KB, never shows 0 KB, and switches to MB", () => {
    expect(formatKilobytes(10)).toBe("1 KB");
    expect(formatKilobytes(200 * 1024)).toBe("200 KB");
    expect(formatKilobytes(1.5 * 1024 * 1024)).toBe("1.5 MB");
  });
});
