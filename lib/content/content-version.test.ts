import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lessonContentHash } from "./check/content-hash";
import { contentTreeVersion, lessonFileHash } from "./content-version";

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "content-version-"));
  mkdirSync(path.join(root, "track", "01-chapter"), { recursive: true });
  writeFileSync(path.join(root, "track", "track.yaml"), "title: T\n");
  writeFileSync(path.join(root, "track", "01-chapter", "01-one.md"), "# one\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("contentTreeVersion", () => {
  it("stays the same while nothing is saved", () => {
    expect(contentTreeVersion(root)).toBe(contentTreeVersion(root));
  });

  it("changes when a lesson is saved, even with the same size", () => {
    const before = contentTreeVersion(root);
    const file = path.join(root, "track", "01-chapter", "01-one.md");
    writeFileSync(file, "# two\n");
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(contentTreeVersion(root)).not.toBe(before);
  });

  it("changes when a file is added in a subfolder or removed", () => {
    const before = contentTreeVersion(root);
    const added = path.join(root, "track", "01-chapter", "02-two.md");
    writeFileSync(added, "# two\n");
    const withTwo = contentTreeVersion(root);
    expect(withTwo).not.toBe(before);
    rmSync(added);
    expect(contentTreeVersion(root)).toBe(before);
  });

  it("answers for a missing folder instead of throwing", () => {
    expect(contentTreeVersion(path.join(root, "nope"))).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("lessonFileHash", () => {
  it("is the content hash content:check keys its results by, or null for a missing file", () => {
    expect(lessonFileHash(root, "track/01-chapter/01-one.md")).toBe(lessonContentHash("# one\n"));
    expect(lessonFileHash(root, "track/01-chapter/09-none.md")).toBeNull();
  });
});
