/**
 * Where a lesson shows the Cargo.toml its Rust cells build with. A ```toml block tagged
 * `project=<name>` (the project's manifest, see project-manifests.ts) becomes a read-only
 * manifest cell in place; a project without one gets its generated manifest just above its first
 * cell, and the cells without `project=` share one generated manifest above the first of them.
 * The text is always the one the sandbox builds with (`manifestOf`), so what is shown is true.
 */
import type { RootContent } from "mdast";
import { fileOf, manifestOf, STANDALONE_PACKAGE } from "@/lib/cells/rust/project";
import type { LessonBlock, LessonCell } from "./parse-lesson";

export interface ManifestView {
  /** The project's name, or null for the cells without `project=`. */
  project: string | null;
  /** A stable key and DOM id suffix. */
  key: string;
  text: string;
  /** Which cells build with it, for the caption. */
  note: string;
}

export type RenderBlock = LessonBlock | { type: "manifest"; manifest: ManifestView };

const PROJECT_META = /(?:^|\s)project=(?:"([^"]*)"|(\S+))/;

function tomlProject(node: RootContent): string | null {
  if (node.type !== "code" || node.lang !== "toml") return null;
  const match = PROJECT_META.exec(node.meta ?? "");
  return match?.[1] ?? match?.[2] ?? null;
}

function viewFor(project: string | null, cells: LessonCell[]): ManifestView {
  const members = cells.filter(
    (c) => c.kind === "rust" && (c.attributes.project ?? null) === project,
  );
  const first = members[0];
  const text = manifestOf(first?.attributes ?? (project ? { project } : {}));
  const note =
    project === null
      ? `Each Rust cell here is its own package (${STANDALONE_PACKAGE}, src/main.rs) built with this manifest.`
      : `The manifest of project "${project}": ${[...new Set(members.map(fileOf))].join(", ")}.`;
  return { project, key: project === null ? "standalone" : `project-${project}`, text, note };
}

/** The lesson's blocks with its Rust manifests placed as read-only cells. */
export function withManifestBlocks(blocks: LessonBlock[]): RenderBlock[] {
  const cells = blocks.flatMap((b) => (b.type === "cell" ? [b.cell] : []));
  const projects = new Set(
    cells.filter((c) => c.kind === "rust").map((c) => c.attributes.project ?? null),
  );
  const shown = new Set<string | null>();
  const out: RenderBlock[] = [];
  const place = (project: string | null) => {
    shown.add(project);
    out.push({ type: "manifest", manifest: viewFor(project, cells) });
  };
  for (const block of blocks) {
    if (block.type === "cell") {
      const { cell } = block;
      const project = cell.attributes.project ?? null;
      if (cell.kind === "rust" && !shown.has(project)) place(project);
      out.push(block);
      continue;
    }
    let prose: RootContent[] = [];
    for (const node of block.nodes) {
      const project = tomlProject(node);
      if (project !== null && projects.has(project) && !shown.has(project)) {
        if (prose.length > 0) out.push({ type: "prose", nodes: prose });
        prose = [];
        place(project);
      } else {
        prose.push(node);
      }
    }
    if (prose.length > 0) out.push({ type: "prose", nodes: prose });
  }
  return out;
}
