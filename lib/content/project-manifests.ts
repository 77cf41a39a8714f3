/**
 * The lesson format's Cargo manifests: a visible ```toml block tagged `project=<name>` is the
 * Cargo.toml of the Rust cells with `project=<name>`, wherever in the lesson it stands.
 */
import type { RootContent } from "mdast";

const PROJECT_META = /(?:^|\s)project=(?:"([^"]*)"|(\S+))/;

/** Cargo.toml texts by project name; the first block for a name wins. */
export function projectManifests(proseNodes: RootContent[][]): Map<string, string> {
  const manifests = new Map<string, string>();
  for (const nodes of proseNodes) {
    for (const node of nodes) {
      if (node.type !== "code" || node.lang !== "toml") continue;
      const match = PROJECT_META.exec(node.meta ?? "");
      const name = match?.[1] ?? match?.[2];
      if (name && !manifests.has(name)) manifests.set(name, node.value);
    }
  }
  return manifests;
}
