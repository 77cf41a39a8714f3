/**
 * Which Cargo project a Rust cell runs in. A lesson groups cells into a project with
 * `project=<name>`; each cell is one file (`file=<path>`, default src/main.rs), and the
 * project's Cargo.toml is the lesson's visible ```toml block tagged `project=<name>`, which the
 * lesson parser puts on each of the project's cells as `manifest` (without one, a minimal
 * manifest). Cells without `project=` are one-file projects.
 * Pure, so the notebook can assemble projects exactly the way content:check does.
 */

export interface RustCellSource {
  id: string;
  code: string;
  attributes: Record<string, string>;
}

export interface ProjectFileText {
  path: string;
  content: string;
}

const DEFAULT_RUST_FILE = "src/main.rs";

/**
 * The package name of a cell without `project=`: the same for every such cell, so that one
 * Cargo.toml shown in the lesson is exactly what each of them builds with.
 */
export const STANDALONE_PACKAGE = "playground";

export function fileOf(cell: RustCellSource): string {
  return cell.attributes.file || DEFAULT_RUST_FILE;
}

export function defaultManifestFor(name: string): string {
  const crate = name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_")
    .replace(/^([^a-z])/, "p_$1")
    .slice(0, 60);
  return `[package]\nname = "${crate}"\nversion = "0.1.0"\nedition = "2021"\n`;
}

/** The Cargo.toml a cell builds with: its project's manifest block, or the minimal default. */
export function manifestOf(attributes: Record<string, string>): string {
  if (!attributes.project) return defaultManifestFor(STANDALONE_PACKAGE);
  return attributes.manifest ?? defaultManifestFor(attributes.project);
}

/**
 * The files for running `cells[index]` with `code` in place of its text. For each file of the
 * project the nearest cell at or above this one wins (so a lesson may show a file growing);
 * a file that only appears further down comes from its first cell.
 */
export function rustProjectFiles(
  cells: RustCellSource[],
  index: number,
  code: string,
): ProjectFileText[] {
  const cell = cells[index];
  if (!cell) throw new RangeError(`no Rust cell at index ${index}`);
  const project = cell.attributes.project;
  const own = { path: fileOf(cell), content: code };
  if (!project) return [{ path: "Cargo.toml", content: manifestOf(cell.attributes) }, own];
  const chosen = new Map<string, string>([[own.path, own.content]]);
  for (let i = index - 1; i >= 0; i--) {
    const other = cells[i]!;
    if (other.attributes.project === project && !chosen.has(fileOf(other)))
      chosen.set(fileOf(other), other.code);
  }
  for (let i = index + 1; i < cells.length; i++) {
    const other = cells[i]!;
    if (other.attributes.project === project && !chosen.has(fileOf(other)))
      chosen.set(fileOf(other), other.code);
  }
  const manifest = chosen.get("Cargo.toml") ?? manifestOf(cell.attributes);
  chosen.delete("Cargo.toml");
  return [
    { path: "Cargo.toml", content: manifest },
    ...[...chosen]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([path, content]) => ({ path, content })),
  ];
}

/** Puts a check's #[test] functions into the cell's file, as the notebook's Rust check does. */
export function withCheckModule(
  files: ProjectFileText[],
  file: string,
  check: string,
): ProjectFileText[] {
  return files.map((f) =>
    f.path === file
      ? {
          ...f,
          content: `${f.content}\n\n#[cfg(test)]\nmod lesson_check {\n    #[allow(unused_imports)]\n    use super::*;\n${check}\n}\n`,
        }
      : f,
  );
}
