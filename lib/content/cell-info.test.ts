import { describe, expect, it } from "vitest";
import { parseFenceInfo } from "./cell-info";

describe("parseFenceInfo", () => {
  it("parses kind, id, role and attributes", () => {
    expect(parseFenceInfo("cypher", 'id=q1 exercise dataset=movies')).toEqual({
      type: "cell",
      info: { kind: "cypher", id: "q1", role: "exercise", hidden: false, attributes: { dataset: "movies" } },
    });
  });
  it("hides solutions and honours quoted values", () => {
    const r = parseFenceInfo("rust", 'id=lib solution file="src/lib.rs"');
    expect(r).toMatchObject({ type: "cell", info: { role: "solution", hidden: true, attributes: { file: "src/lib.rs" } } });
  });
  it("reads a hidden wrong-answer block, which cannot also be another role", () => {
    expect(parseFenceInfo("cypher", "id=q1 wrong")).toEqual({
      type: "cell",
      info: { kind: "cypher", id: "q1", role: "wrong", hidden: true, attributes: {} },
    });
    expect(parseFenceInfo("cypher", "id=q1 wrong solution")).toMatchObject({ type: "error", message: expect.stringContaining("got solution, wrong") });
  });
  it("treats ordinary languages as plain code", () => {
    expect(parseFenceInfo("toml", null)).toEqual({ type: "plain" });
    expect(parseFenceInfo(undefined, undefined)).toEqual({ type: "plain" });
  });
  it("rejects unknown kinds, flags, missing and malformed ids, and double roles", () => {
    expect(parseFenceInfo("pythn", "id=a")).toMatchObject({ type: "error", message: expect.stringContaining('unknown cell kind "pythn"') });
    expect(parseFenceInfo("tfjs", "id=a exercize")).toMatchObject({ type: "error", message: expect.stringContaining("exercize") });
    expect(parseFenceInfo("tfjs", "exercise")).toMatchObject({ type: "error", message: expect.stringContaining("no id") });
    expect(parseFenceInfo("tfjs", "id=Bad_Id")).toMatchObject({ type: "error" });
    expect(parseFenceInfo("tfjs", "id=a check solution")).toMatchObject({ type: "error" });
    expect(parseFenceInfo("tfjs", "id=a color=red")).toMatchObject({ type: "error", message: expect.stringContaining("color") });
  });
});
