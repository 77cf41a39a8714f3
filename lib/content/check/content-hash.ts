/**
 * The version of a lesson file a content:check result belongs to: a hash of the file's text.
 * The instructor pages compare it with the file on disk, so a result is never shown for a file
 * that changed after it was checked.
 */
import { createHash } from "node:crypto";

export function lessonContentHash(source: string): string {
  return createHash("sha256").update(source, "utf8").digest("hex").slice(0, 32);
}
