import { describe, expect, it } from "vitest";
import { parseLesson } from "./parse-lesson";

const LESSON = [
  "---\ntitle: T\nsummary: S\nminutes: 5\n---\n",
  "```rust id=main project=shapes\nfn main() {}\n```\n",
  "```rust id=lone\nfn main() {}\n```\n",
  "The manifest may come after the cells.\n",
  '```toml project=shapes\n[package]\nname = "shapes"\n```\n',
  "```toml\n[untagged]\n```\n",
].join("\n");

describe("Rust project manifests in a lesson", () => {
  it("puts the ```toml project=<name> block on each cell of that project as its manifest", () => {
    const lesson = parseLesson(LESSON);
    expect(lesson.problems).toEqual([]);
    const [main, lone] = lesson.cells;
    expect(main?.attributes.manifest).toBe('[package]\nname = "shapes"');
    expect(lone?.attributes).not.toHaveProperty("manifest");
  });
});
