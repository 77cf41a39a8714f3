import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { fieldErrors, syncBatchSchema } from "./schemas";

const at = 1_800_000_000_000;
const code = (value: string, hash = "h") => ({
  id: randomUUID(),
  kind: "code",
  lessonKey: "t/c/l",
  cellId: "c1",
  clientVersion: 0,
  at,
  payload: { code: value, lessonCodeHash: hash },
});
const run = (errorMessage: string) => ({
  id: randomUUID(),
  kind: "run",
  lessonKey: "t/c/l",
  cellId: "c1",
  clientVersion: 0,
  at,
  payload: { status: "error", durationMs: 3, errorMessage },
});
const attempt = (errorMessage: string) => ({
  id: randomUUID(),
  kind: "attempt",
  lessonKey: "t/c/l",
  cellId: "c1",
  clientVersion: 0,
  at,
  payload: { passed: false, durationMs: 3, errorMessage },
});

function errorsOf(mutations: unknown[]): Record<string, string[]> {
  const parsed = syncBatchSchema.safeParse({ mutations });
  return parsed.success ? {} : fieldErrors(parsed.error);
}

describe("sync schema text fields", () => {
  it("refuses an unpaired surrogate in every stored text field, naming the field", () => {
    const errors = errorsOf([
      code("ok"),
      code("a\ud800b"),
      run("x\udc00"),
      attempt("\ud83d"),
      code("ok", "h\ud800"),
    ]);
    expect(Object.keys(errors).sort()).toEqual([
      "mutations.1.payload.code",
      "mutations.2.payload.errorMessage",
      "mutations.3.payload.errorMessage",
      "mutations.4.payload.lessonCodeHash",
    ]);
    expect(errors["mutations.1.payload.code"]?.[0]).toMatch(/^must be well-formed text/);
  });

  it("accepts emoji and other astral characters", () => {
    expect(
      syncBatchSchema.safeParse({
        mutations: [code("print('😀 𝔘𝔫𝔦')"), run("💥 failed"), attempt("数学 ✓")],
      }).success,
    ).toBe(true);
  });

  it("still refuses NUL characters", () => {
    expect(errorsOf([code("a\u0000b")])).toEqual({
      "mutations.0.payload.code": ["must not contain NUL characters"],
    });
  });
});
