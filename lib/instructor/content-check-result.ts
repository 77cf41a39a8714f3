import "server-only";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { contentRoot } from "@/lib/content/catalog";
import { lessonContentHash } from "@/lib/content/check/content-hash";

// The last `npm run content:check` result, if one was saved to .data/content-check.json:
// { finishedAt?, lessons: [{ key, file?, contentHash?, status, problems?, cells?: [{ id, status, problems? }] }] }
// (scripts/content-check.ts's LessonReport list). Unknown fields are ignored; a malformed file is
// reported as such instead of breaking the page.

const cellSchema = z.object({
  id: z.string(),
  status: z.string(),
  problems: z.array(z.string()).default([]),
  line: z.number().optional(),
});
const lessonSchema = z.object({
  key: z.string(),
  file: z.string().optional(),
  /** The checked file's lessonContentHash; results saved before hashes existed have none. */
  contentHash: z.string().optional(),
  status: z.string(),
  problems: z.array(z.string()).default([]),
  cells: z.array(cellSchema).default([]),
});
const resultSchema = z.union([
  z.object({
    finishedAt: z.union([z.string(), z.number()]).optional(),
    lessons: z.array(lessonSchema),
  }),
  z.array(lessonSchema).transform((lessons) => ({ finishedAt: undefined, lessons })),
]);

export type ContentCheckLesson = z.infer<typeof lessonSchema>;
export type ContentCheckResult =
  | { state: "not-run" }
  | { state: "invalid"; message: string }
  | { state: "ok"; finishedAt: number; lessons: Map<string, ContentCheckLesson> };

/**
 * A lesson's content:check status against its file as it is now: the saved result counts only
 * for the exact version of the file it was made from.
 */
type LessonCheckStatus =
  | { state: "not-run" }
  | { state: "stale"; last: ContentCheckLesson }
  | { state: "current"; result: ContentCheckLesson };

export function lessonCheckStatus(
  saved: ContentCheckLesson | undefined,
  currentHash: string | null,
): LessonCheckStatus {
  if (!saved) return { state: "not-run" };
  if (saved.contentHash === undefined || currentHash === null || saved.contentHash !== currentHash)
    return { state: "stale", last: saved };
  return { state: "current", result: saved };
}

/** The hash of a lesson file as it is on disk now (null when it cannot be read). */
export async function currentLessonHash(file: string): Promise<string | null> {
  try {
    return lessonContentHash(await readFile(path.join(contentRoot(), file), "utf8"));
  } catch {
    return null;
  }
}

function contentCheckPath(): string {
  return path.resolve(
    /*turbopackIgnore: true*/ process.env.CONTENT_CHECK_RESULT ?? ".data/content-check.json",
  );
}

export function parseContentCheck(text: string, fileTime: number): ContentCheckResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { state: "invalid", message: "the result file is not JSON" };
  }
  const parsed = resultSchema.safeParse(data);
  if (!parsed.success)
    return { state: "invalid", message: parsed.error.issues[0]?.message ?? "unexpected shape" };
  const finished =
    parsed.data.finishedAt === undefined ? fileTime : new Date(parsed.data.finishedAt).getTime();
  return {
    state: "ok",
    finishedAt: Number.isFinite(finished) ? finished : fileTime,
    lessons: new Map(parsed.data.lessons.map((l) => [l.key, l])),
  };
}

export async function readContentCheck(file = contentCheckPath()): Promise<ContentCheckResult> {
  try {
    const [text, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    return parseContentCheck(text, info.mtimeMs);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { state: "not-run" };
    return { state: "invalid", message: (error as Error).message };
  }
}
