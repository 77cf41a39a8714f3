import { describe, expect, it } from "vitest";
import { clientCellSpec } from "./client-cells";
import { parseLesson } from "./parse-lesson";

const fence = (info: string, code: string) => "```" + info + "\n" + code + "\n```\n\n";

describe("clientCellSpec", () => {
  it("sends the starter and check but none of the wrong answers to the browser", () => {
    const parsed = parseLesson(
      "---\ntitle: T\nsummary: S\nminutes: 5\n---\n\n" +
        fence("cypher id=q exercise", "MATCH (n) RETURN n") +
        fence("cypher id=q check", "RETURN true AS pass, 'ok' AS message") +
        fence("cypher id=q wrong", "MATCH (secret_wrong_one) RETURN 1") +
        fence("cypher id=q wrong", "MATCH (secret_wrong_two) RETURN 2"),
    );
    const cell = parsed.cells[0]!;
    expect(cell.wrong).toHaveLength(2);
    const spec = clientCellSpec(cell);
    expect(spec).toEqual({
      id: "q",
      kind: "cypher",
      role: "exercise",
      code: "MATCH (n) RETURN n",
      attributes: {},
      check: "RETURN true AS pass, 'ok' AS message",
    });
    expect(JSON.stringify(spec)).not.toMatch(/secret_wrong/);
  });
});
