import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { lessonContentHash } from "@/lib/content/check/content-hash";
import {
  currentLessonHash,
  lessonCheckStatus,
  parseContentCheck,
  readContentCheck,
} from "./content-check-result";

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

  it("counts a result only for the version of the file it was made from", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "check-hash-"));
    const file = "t/01-c/01-a.md";
    const full = path.join(dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, "---\ntitle: A\n---\nfirst version\n");
    process.env.CONTENT_DIR = dir;
    try {
      const checkedHash = await currentLessonHash(file);
      expect(checkedHash).toBe(lessonContentHash("---\ntitle: A\n---\nfirst version\n"));
      const saved = {
        key: "t/c/a",
        status: "passed",
        problems: [],
        cells: [],
        contentHash: checkedHash!,
      };
      expect(lessonCheckStatus(saved, checkedHash)).toEqual({ state: "current", result: saved });
      // The author saves the file: the same result is now "not checked since the last change".
      writeFileSync(full, "---\ntitle: A\n---\nsecond version\n");
      expect(lessonCheckStatus(saved, await currentLessonHash(file))).toEqual({
        state: "stale",
        last: saved,
      });
      // Undoing the edit makes the result current again: it is keyed by content, not by time.
      writeFileSync(full, "---\ntitle: A\n---\nfirst version\n");
      expect(lessonCheckStatus(saved, await currentLessonHash(file)).state).toBe("current");
      // A result saved before hashes existed, or an unreadable file, is never shown as current.
      const { contentHash: _old, ...legacy } = saved;
      expect(lessonCheckStatus(legacy, checkedHash).state).toBe("stale");
      expect(await currentLessonHash("missing.md")).toBeNull();
      expect(lessonCheckStatus(saved, null).state).toBe("stale");
      expect(lessonCheckStatus(undefined, checkedHash)).toEqual({ state: "not-run" });
    } finally {
      delete process.env.CONTENT_DIR;
    }
  });
});
