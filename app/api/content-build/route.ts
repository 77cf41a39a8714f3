import { contentRoot, readCatalog } from "@/lib/content/catalog";
import { lessonFileHash } from "@/lib/content/content-version";
import type { BuiltContent } from "@/lib/content/built-version";

// Rendered once by `next build` and served as that file afterwards: the lesson files the
// learners' pages were built from, by hash. The production preview compares the files on disk
// with it (components/instructor/built-version-notice.tsx). Lesson text is public; so are these.
export const dynamic = "force-static";

export function GET(): Response {
  const files: BuiltContent["files"] = {};
  for (const { file } of readCatalog().lessonFiles.values()) {
    const hash = lessonFileHash(contentRoot(), file);
    if (hash) files[file] = hash;
  }
  return Response.json({ files } satisfies BuiltContent);
}
