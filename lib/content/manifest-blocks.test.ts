import { describe, expect, it } from "vitest";
import { rustProjectFiles } from "@/lib/cells/rust/project";
import { withManifestBlocks, type RenderBlock } from "./manifest-blocks";
import { parseLesson } from "./parse-lesson";

const fence = (info: string, code: string) => `\`\`\`${info}\n${code}\n\`\`\`\n`;

function summary(blocks: RenderBlock[]): string[] {
  return blocks.map((b) =>
    b.type === "cell"
      ? `cell:${b.cell.id}`
      : b.type === "manifest"
        ? `manifest:${b.manifest.project ?? "-"}`
        : `prose:${b.nodes.length}`,
  );
}

describe("withManifestBlocks", () => {
  it("turns a project's toml block into its manifest cell, in place", () => {
    const manifest = '[package]\nname = "shapes"\nversion = "0.1.0"\nedition = "2021"';
    const lesson = parseLesson(
      [
        "Intro.\n",
        fence("toml project=shapes", manifest),
        "Between.\n",
        fence("rust id=main project=shapes file=src/main.rs", "mod shape;\nfn main() {}"),
        fence("rust id=shape project=shapes file=src/shape.rs", "pub fn area() {}"),
      ].join("\n"),
    );
    const blocks = withManifestBlocks(lesson.blocks);
    expect(summary(blocks)).toEqual([
      "prose:1",
      "manifest:shapes",
      "prose:1",
      "cell:main",
      "cell:shape",
    ]);
    const view = blocks.find((b) => b.type === "manifest");
    expect(view?.type === "manifest" && view.manifest.text).toBe(manifest);
    expect(view?.type === "manifest" && view.manifest.note).toContain("src/main.rs, src/shape.rs");
  });

  it("shows the generated manifest the sandbox uses, once, above the first cell without a project", () => {
    const lesson = parseLesson(
      ["Intro.\n", fence("rust id=one", "fn main() {}"), fence("rust id=two", "fn main() {}")].join(
        "\n",
      ),
    );
    const blocks = withManifestBlocks(lesson.blocks);
    expect(summary(blocks)).toEqual(["prose:1", "manifest:-", "cell:one", "cell:two"]);
    const view = blocks[1];
    const built = rustProjectFiles(
      lesson.cells.map((c) => ({ id: c.id, code: c.code, attributes: c.attributes })),
      1,
      "fn main() {}",
    );
    expect(view?.type === "manifest" && view.manifest.text).toBe(built[0]?.content);
  });

  it("leaves toml blocks of no Rust project as prose, and lessons without Rust unchanged", () => {
    const lesson = parseLesson(
      [fence("toml", "a = 1"), fence("toml project=nobody", "b = 2"), fence("cypher id=q", "RETURN 1")].join(
        "\n",
      ),
    );
    expect(summary(withManifestBlocks(lesson.blocks))).toEqual(["prose:2", "cell:q"]);
  });
});
