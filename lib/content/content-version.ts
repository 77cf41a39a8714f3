import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { lessonContentHash } from "./check/content-hash";

function filesUnder(dir: string, prefix = ""): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return []; // the folder went away between listing and reading (an editor's rename)
  }
  return entries
    .flatMap((entry) =>
      entry.isDirectory()
        ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : entry.isFile()
          ? [`${prefix}${entry.name}`]
          : [],
    )
    .sort();
}

/**
 * A fingerprint of the whole content folder (each file's path, size and modification time):
 * it changes when any lesson, track.yaml or dataset is saved, added, renamed or removed. Cheap
 * (no file is read), so the dev pages and the preview can poll it every few hundred ms.
 */
export function contentTreeVersion(root: string): string {
  const hash = createHash("sha256");
  for (const file of filesUnder(root)) {
    try {
      const info = statSync(path.join(root, file));
      hash.update(`${file}\0${info.size}\0${info.mtimeMs}\n`);
    } catch {
      hash.update(`${file}\0gone\n`);
    }
  }
  return hash.digest("hex").slice(0, 16);
}

/** The lessonContentHash of a file (relative to the content folder `root`), or null if missing. */
export function lessonFileHash(root: string, file: string): string | null {
  try {
    return lessonContentHash(readFileSync(path.join(root, file), "utf8"));
  } catch {
    return null;
  }
}
