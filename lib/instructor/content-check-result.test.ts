import { describe, expect, it } from "vitest";
import { parseContentCheck, readContentCheck } from "./content-check-result";

describe("content:check result", () => {
  it("reads a saved result and indexes it by lesson", () => {
    const text = JSON.stringify({
      finishedAt: "2026-11-23T10:00:00Z",
      lessons: [
        {
          key: "t/c/a",
          file: "t/01-c/01-a.md",
          status: "failed",
          cells: [{ id: "ex", status: "failed", problems: ["starter passes its check"] }],
          extra: 1,
        },
      ],
    });
    const result = parseContentCheck(text, 0);
    expect(result.state).toBe("ok");
    if (result.state !== "ok") return;
    expect(result.finishedAt).toBe(Date.parse("2026-11-23T10:00:00Z"));
    expect(result.lessons.get("t/c/a")?.cells[0]?.problems).toEqual(["starter passes its check"]);
  });

  it("says what is wrong with a malformed file instead of throwing", () => {
    expect(parseContentCheck("{", 0)).toEqual({
      state: "invalid",
      message: "the result file is not JSON",
    });
    expect(parseContentCheck('{"lessons": 3}', 0).state).toBe("invalid");
  });

  it("reports a missing file as not run", async () => {
    expect(await readContentCheck("/nonexistent/content-check.json")).toEqual({ state: "not-run" });
  });
});
