import { describe, expect, it } from "vitest";
import { isLessonComplete } from "./completion";

const lesson = [
  { id: "setup", role: "cell" as const },
  { id: "ex1", role: "exercise" as const },
  { id: "ex2", role: "exercise" as const },
];

describe("isLessonComplete", () => {
  it("needs every exercise passed, whatever the other cells did", () => {
    expect(isLessonComplete(lesson, new Set(["ex1"]), new Set(["setup", "ex1", "ex2"]))).toBe(
      false,
    );
    expect(isLessonComplete(lesson, new Set(["ex1", "ex2"]), new Set())).toBe(true);
  });

  it("without exercises, needs every cell run without an error", () => {
    const reading = [
      { id: "a", role: "cell" as const },
      { id: "b", role: "cell" as const },
    ];
    expect(isLessonComplete(reading, new Set(), new Set(["a"]))).toBe(false);
    expect(isLessonComplete(reading, new Set(), new Set(["a", "b"]))).toBe(true);
    expect(isLessonComplete([], new Set(), new Set())).toBe(false);
  });
});
