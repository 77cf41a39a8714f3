/**
 * Reads a Cargo project from disk into the runner's `{ path, content }[]` form, taking only the
 * paths the runner accepts (Cargo.toml, src/, tests/, examples/, benches/; skips target/).
 */
import "server-only";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { ProjectFile } from "./types";

const TOP_LEVEL_DIRS = ["src", "tests", "examples", "benches"];

export function readProjectDir(dir: string): ProjectFile[] {
  const files: ProjectFile[] = [];
  const manifest = path.join(dir, "Cargo.toml");
  files.push({ path: "Cargo.toml", content: readFileSync(manifest, "utf8") });
  for (const top of TOP_LEVEL_DIRS) walk(path.join(dir, top), top, files);
  return files;
}

function walk(absolute: string, relative: string, files: ProjectFile[]): void {
  let entries: string[];
  try {
    if (!statSync(absolute).isDirectory()) return;
    entries = readdirSync(absolute).sort();
  } catch {
    return;
  }
  for (const name of entries) {
    const abs = path.join(absolute, name);
    const rel = `${relative}/${name}`;
    const stat = statSync(abs);
    if (stat.isDirectory()) walk(abs, rel, files);
    else if (stat.isFile() && name.endsWith(".rs"))
      files.push({ path: rel, content: readFileSync(abs, "utf8") });
  }
}
