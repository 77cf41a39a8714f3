import { describe, expect, it } from "vitest";
import { findExercise } from "@/lib/exercises/lesson-cells";
import { parseLesson } from "./parse-lesson";

const fence = (info: string, code: string) => "```" + info + "\n" + code + "\n```\n\n";
const lesson = (body: string) => parseLesson(`---\ntitle: T\nsummary: S\nminutes: 5\n---\n\n${body}`);

const exercise =
  fence("cypher id=q exercise", "MATCH (n) RETURN n") +
  fence("cypher id=q solution", "MATCH (m:Movie) RETURN m.title AS title") +
  fence("cypher id=q check", "RETURN size($rows) > 0 AS pass, 'rows' AS message") +
  fence("cypher id=q wrong", "MATCH (p:Person) RETURN p.name AS title") +
  "Some prose between the wrong answers.\n\n" +
  fence("cypher id=q wrong", "RETURN 1 AS title");

describe("parseLesson: wrong answers", () => {
  it("attaches every wrong block to its exercise, in order, with its line", () => {
    const parsed = lesson(exercise);
    expect(parsed.problems).toEqual([]);
    expect(parsed.cells).toHaveLength(1);
    expect(parsed.cells[0]?.wrong).toEqual([
      { code: "MATCH (p:Person) RETURN p.name AS title", line: 19 },
      { code: "RETURN 1 AS title", line: 25 },
    ]);
  });

  it("keeps wrong answers out of the lesson's blocks and cells (nothing renders or sends them)", () => {
    const parsed = lesson(exercise);
    const cellBlocks = parsed.blocks.filter((b) => b.type === "cell");
    expect(cellBlocks).toHaveLength(1);
    const proseText = JSON.stringify(parsed.blocks.filter((b) => b.type === "prose"));
    expect(proseText).not.toContain("RETURN 1 AS title");
    expect(proseText).not.toContain("p.name AS title");
  });

  it("is not mistaken for the exercise by the server's lookup", () => {
    const parsed = lesson(exercise);
    const found = findExercise("t/c/l", "q", "cypher", () => ({ cells: parsed.cells, blocks: parsed.blocks }));
    expect(found).toMatchObject({ ok: true, index: 0, check: "RETURN size($rows) > 0 AS pass, 'rows' AS message" });
    expect(found.ok && found.cell.code).toBe("MATCH (n) RETURN n");
  });

  it("reports a wrong block with no exercise above it, or of another kind", () => {
    const orphan = lesson(fence("cypher id=q wrong", "RETURN 1") + fence("cypher id=plain", "RETURN 2") + fence("cypher id=plain wrong", "RETURN 3"));
    expect(orphan.problems.map((p) => p.message)).toEqual([
      'wrong answer "q" has no exercise with id=q above it',
      'wrong answer "plain" has no exercise with id=plain above it',
    ]);
    const mismatch = lesson(exercise + fence("tfjs id=q wrong", "const x = 1"));
    expect(mismatch.problems).toEqual([{ line: 29, message: 'wrong answer "q" is tfjs but its exercise is cypher' }]);
  });
});
