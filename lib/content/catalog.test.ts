import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getCatalog, lessonProblems, readCatalog } from "./catalog";

// One broken lesson must not take the others with it under `next dev`; the build still stops.

let root: string;
const GOOD = "demo/01-basics/01-good.md";
const BROKEN = "demo/01-basics/02-broken.md";

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), "catalog-"));
  mkdirSync(path.join(root, "demo", "01-basics"), { recursive: true });
  writeFileSync(
    path.join(root, "demo", "track.yaml"),
    "title: Demo\nsummary: A demo track.\nlevel: beginner\nprerequisites: []\nchapters:\n  - dir: 01-basics\n    title: Basics\n",
  );
  writeFileSync(path.join(root, GOOD), "---\ntitle: Good\nsummary: Fine.\nminutes: 5\n---\n\nText.\n");
  writeFileSync(
    path.join(root, BROKEN),
    "---\ntitle: Broken: title\nsummary: Not fine.\nminutes: 5\n---\n\nText.\n",
  );
  vi.stubEnv("CONTENT_DIR", root);
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

describe("a lesson with a broken front matter", () => {
  it("keeps its key and file, so its page can show why", () => {
    const catalog = readCatalog(root);
    expect([...catalog.lessons.keys()]).toEqual(["demo/basics/good"]);
    expect([...catalog.lessonFiles.keys()]).toEqual(["demo/basics/good", "demo/basics/broken"]);
    expect(catalog.lessonFiles.get("demo/basics/broken")).toEqual({
      key: "demo/basics/broken",
      href: "/learn/demo/basics/broken",
      file: BROKEN,
    });
  });

  it("has its problems with their line; the other lesson has none", () => {
    const catalog = readCatalog(root);
    const problems = lessonProblems(catalog, "demo/basics/broken");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: BROKEN, line: 2 });
    expect(problems[0]?.message).toMatch(/^front matter/);
    expect(lessonProblems(catalog, "demo/basics/good")).toEqual([]);
    expect(lessonProblems(catalog, "demo/basics/unknown")).toEqual([]);
  });

  it("does not stop getCatalog under next dev, and prints the problems once", () => {
    vi.stubEnv("NODE_ENV", "development");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const catalog = getCatalog();
    expect(catalog.lessons.has("demo/basics/good")).toBe(true);
    getCatalog();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(`${BROKEN}:2: front matter`);
    warn.mockRestore();
  });

  it("stops getCatalog everywhere else (next build, tests)", async () => {
    for (const env of ["production", "test"]) {
      vi.stubEnv("NODE_ENV", env);
      // A fresh process: nothing cached yet (the cache is process-wide, see getCatalog).
      vi.resetModules();
      delete (globalThis as Record<symbol, unknown>)[Symbol.for("courses.content.catalog")];
      const fresh = await import("./catalog");
      expect(() => fresh.getCatalog(), env).toThrow(/Invalid course content:[\s\S]*02-broken\.md:2/);
    }
  });

  it("is read again once the file is fixed", () => {
    vi.stubEnv("NODE_ENV", "development");
    vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(getCatalog().lessons.has("demo/basics/broken")).toBe(false);
    writeFileSync(path.join(root, BROKEN), "---\ntitle: Fixed\nsummary: Fine.\nminutes: 5\n---\n\nText, fixed.\n");
    expect(getCatalog().lessons.get("demo/basics/broken")?.meta.title).toBe("Fixed");
    vi.restoreAllMocks();
  });
});

describe("re-reading the catalogue after a save", () => {
  it("parses again only the file whose text changed", () => {
    const first = readCatalog(root);
    writeFileSync(
      path.join(root, BROKEN),
      "---\ntitle: Fixed\nsummary: Fine now.\nminutes: 5\n---\n\nText.\n",
    );
    const second = readCatalog(root);
    // The unchanged lesson's parse is the very same object; the saved one is new and current.
    expect(second.lessons.get("demo/basics/good")?.parsed).toBe(
      first.lessons.get("demo/basics/good")?.parsed,
    );
    expect(second.lessons.get("demo/basics/broken")?.meta.title).toBe("Fixed");
    expect(lessonProblems(second, "demo/basics/broken")).toEqual([]);
  });
});
