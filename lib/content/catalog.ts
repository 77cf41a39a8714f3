import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { contentTreeVersion } from "./content-version";
import type { ContentProblem } from "./front-matter";
import { parseLesson, type ParsedLesson } from "./parse-lesson";
import { trackFileSchema, type TrackLevel } from "./schema";

interface LessonMeta {
  track: string;
  chapter: string;
  lesson: string;
  /** `<track>/<chapter>/<lesson>`: the key progress is stored under. */
  key: string;
  href: string;
  title: string;
  summary: string;
  minutes: number;
  /** Path of the Markdown file, relative to the content folder. */
  file: string;
}

export interface Chapter {
  slug: string;
  title: string;
  lessons: LessonMeta[];
}

export interface Track {
  slug: string;
  title: string;
  summary: string;
  level: TrackLevel;
  /** [] when it needs nothing. */
  prerequisites: string[];
  chapters: Chapter[];
  lessonCount: number;
  minutes: number;
}

/** A lesson file by its key, whether or not its front matter could be read. */
interface LessonFile {
  key: string;
  href: string;
  /** Path of the Markdown file, relative to the content folder. */
  file: string;
}

export interface Catalog {
  tracks: Track[];
  lessons: Map<string, { meta: LessonMeta; parsed: ParsedLesson }>;
  /** Every lesson file (also those left out of `lessons` for a broken front matter), by key. */
  lessonFiles: Map<string, LessonFile>;
  problems: { file: string; line: number; message: string }[];
}

export function contentRoot(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.CONTENT_DIR ?? "content");
}

const ORDERED_NAME = /^(\d{2})-([a-z0-9-]+)$/;

function slugOf(name: string): string {
  return ORDERED_NAME.exec(name)?.[2] ?? name;
}

/**
 * Each lesson file's last text and its parse. Parsing is pure, so a file whose text did not
 * change is not parsed again: after an author saves one lesson under `next dev`, re-reading the
 * catalogue parses that one file (≈ 10 ms) instead of all of them (≈ 0.5–1 s).
 */
const parsedFiles = new Map<string, { text: string; parsed: ParsedLesson }>();

function parseLessonFile(absolutePath: string): ParsedLesson {
  const text = readFileSync(absolutePath, "utf8");
  const known = parsedFiles.get(absolutePath);
  if (known && known.text === text) return known.parsed;
  const parsed = parseLesson(text);
  parsedFiles.set(absolutePath, { text, parsed });
  return parsed;
}

/** Reads every track, chapter and lesson under the content folder and validates all of it. */
export function readCatalog(root = contentRoot()): Catalog {
  const problems: Catalog["problems"] = [];
  const report = (file: string, list: ContentProblem[]) => list.forEach((p) => problems.push({ file, ...p }));
  const tracks: Track[] = [];
  const lessons: Catalog["lessons"] = new Map();
  const lessonFiles: Catalog["lessonFiles"] = new Map();
  const trackDirs = existsSync(root)
    ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== "datasets").map((d) => d.name).sort()
    : [];
  if (trackDirs.length === 0) problems.push({ file: path.relative(process.cwd(), root) || ".", line: 1, message: "no tracks found" });

  for (const trackSlug of trackDirs) {
    const trackFile = path.join(trackSlug, "track.yaml");
    if (!existsSync(path.join(root, trackFile))) {
      problems.push({ file: trackFile, line: 1, message: "missing track.yaml (title, summary, chapters)" });
      continue;
    }
    let trackData: unknown;
    try {
      trackData = parseYaml(readFileSync(path.join(root, trackFile), "utf8"));
    } catch (error) {
      problems.push({ file: trackFile, line: 1, message: `invalid YAML: ${(error as Error).message}` });
      continue;
    }
    const parsedTrack = trackFileSchema.safeParse(trackData);
    if (!parsedTrack.success) {
      for (const issue of parsedTrack.error.issues) problems.push({ file: trackFile, line: 1, message: `${issue.path.join(".") || "track"}: ${issue.message}` });
      continue;
    }
    const chapters: Chapter[] = [];
    const onDisk = readdirSync(path.join(root, trackSlug), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const dir of onDisk) {
      if (!parsedTrack.data.chapters.some((c) => c.dir === dir)) problems.push({ file: trackFile, line: 1, message: `chapter folder "${dir}" is not listed in chapters` });
    }
    for (const chapterEntry of parsedTrack.data.chapters) {
      const chapterPath = path.join(root, trackSlug, chapterEntry.dir);
      if (!existsSync(chapterPath)) {
        problems.push({ file: trackFile, line: 1, message: `chapter folder "${chapterEntry.dir}" does not exist` });
        continue;
      }
      const chapter: Chapter = { slug: slugOf(chapterEntry.dir), title: chapterEntry.title, lessons: [] };
      for (const fileName of readdirSync(chapterPath).filter((f) => f.endsWith(".md")).sort()) {
        const file = path.join(trackSlug, chapterEntry.dir, fileName);
        const base = fileName.slice(0, -3);
        if (!ORDERED_NAME.test(base)) {
          problems.push({ file, line: 1, message: "lesson file names are NN-lowercase-name.md (NN orders the lessons)" });
          continue;
        }
        const key = `${trackSlug}/${chapter.slug}/${slugOf(base)}`;
        const href = `/learn/${key}`;
        lessonFiles.set(key, { key, href, file });
        const parsed = parseLessonFile(path.join(root, file));
        report(file, parsed.problems);
        if (!parsed.frontMatter) continue;
        const meta: LessonMeta = {
          track: trackSlug,
          chapter: chapter.slug,
          lesson: slugOf(base),
          key,
          href,
          title: parsed.frontMatter.title,
          summary: parsed.frontMatter.summary,
          minutes: parsed.frontMatter.minutes,
          file,
        };
        chapter.lessons.push(meta);
        lessons.set(meta.key, { meta, parsed });
      }
      chapters.push(chapter);
    }
    const all = chapters.flatMap((c) => c.lessons);
    tracks.push({
      slug: trackSlug,
      title: parsedTrack.data.title,
      summary: parsedTrack.data.summary,
      level: parsedTrack.data.level,
      prerequisites: parsedTrack.data.prerequisites,
      chapters,
      lessonCount: all.length,
      minutes: all.reduce((sum, l) => sum + l.minutes, 0),
    });
  }
  checkReferences(root, lessons, problems);
  return { tracks, lessons, lessonFiles, problems };
}

/** Internal links must point at a lesson (and heading) that exists; datasets must exist. */
function checkReferences(root: string, lessons: Catalog["lessons"], problems: Catalog["problems"]): void {
  const byHref = new Map([...lessons.values()].map((l) => [l.meta.href, l]));
  for (const { meta, parsed } of lessons.values()) {
    for (const link of parsed.links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.url)) continue; // external (https:, mailto:)
      const [target = "", anchor] = link.url.split("#");
      const resolved = target === "" ? meta.href : new URL(target, `http://x${meta.href}/`).pathname.replace(/\/$/, "") || "/";
      if (resolved === "/") continue;
      const lesson = byHref.get(resolved);
      if (!lesson) {
        problems.push({ file: meta.file, line: link.line, message: `broken link "${link.url}" (no lesson at ${resolved})` });
      } else if (anchor && !lesson.parsed.headings.some((h) => h.slug === anchor)) {
        problems.push({ file: meta.file, line: link.line, message: `broken link "${link.url}" (no heading #${anchor} in ${lesson.meta.file})` });
      }
    }
    for (const cell of parsed.cells) {
      const dataset = cell.attributes.dataset;
      if (dataset && !existsSync(path.join(root, "datasets", `${dataset}.cypher`))) {
        problems.push({ file: meta.file, line: cell.line, message: `dataset "${dataset}" not found (content/datasets/${dataset}.cypher)` });
      }
    }
  }
}

export function formatProblems(problems: Catalog["problems"], root = contentRoot()): string {
  const rel = path.relative(process.cwd(), root) || ".";
  return problems.map((p) => `${rel}/${p.file}:${p.line}: ${p.message}`).join("\n");
}

/** The problems of one lesson's file (empty for an unknown key). */
export function lessonProblems(catalog: Catalog, key: string): Catalog["problems"] {
  const file = catalog.lessonFiles.get(key)?.file;
  return file === undefined ? [] : catalog.problems.filter((p) => p.file === file);
}

// One copy per process, not per bundle: Next compiles instrumentation.ts (which reads the
// catalogue at start) and each route into separate module instances, and parsing every lesson
// costs ~1 s of CPU — paid once, before the first request, not again by the first learner.
const CATALOG = Symbol.for("courses.content.catalog");
type CatalogCache = { root: string; version: string; catalog: Catalog };
type GlobalWithCatalog = typeof globalThis & { [CATALOG]?: CatalogCache };
const store = globalThis as GlobalWithCatalog;
let reportedInDev = "";

/**
 * The validated catalogue. Invalid content throws with every problem as `file:line: message`,
 * so `next build` fails on it. Under `next dev` it does not: every page keeps working and a broken
 * lesson's page lists its own problems (see lessonProblems), and edits show at the next call.
 */
export function getCatalog(): Catalog {
  const cached = store[CATALOG];
  if (cached && process.env.NODE_ENV === "production") return cached.catalog;
  // Elsewhere it is read again only when a content file changed (stat only, no file is read).
  const root = contentRoot();
  const version = contentTreeVersion(root);
  if (cached && cached.root === root && cached.version === version) return cached.catalog;
  const catalog = readCatalog(root);
  if (catalog.problems.length > 0) {
    const report = formatProblems(catalog.problems);
    if (process.env.NODE_ENV !== "development")
      throw new Error(`Invalid course content:\n${report}`);
    // Once per change, not per request: the terminal shows what the pages show.
    if (report !== reportedInDev) console.warn(`Invalid course content:\n${report}`);
    reportedInDev = report;
  } else reportedInDev = "";
  store[CATALOG] = { root, version, catalog };
  return catalog;
}

export function findLesson(track: string, chapter: string, lesson: string) {
  const catalog = getCatalog();
  const entry = catalog.lessons.get(`${track}/${chapter}/${lesson}`);
  if (!entry) return null;
  const ordered = catalog.tracks.find((t) => t.slug === track)?.chapters.flatMap((c) => c.lessons) ?? [];
  const index = ordered.findIndex((l) => l.key === entry.meta.key);
  return { ...entry, previous: ordered[index - 1] ?? null, next: ordered[index + 1] ?? null };
}
