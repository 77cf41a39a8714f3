import "server-only";
import {
  chapterFunnel,
  commonErrors,
  exerciseStats,
  type FunnelStep,
} from "@/lib/db/analytics-repository";
import { readThroughAnalytics } from "@/lib/cache/app-cache";
import { ALL_LEARNERS, type LearnerScope } from "@/lib/db/learner-scope";
import type { Catalog, Chapter, Track } from "@/lib/content/catalog";
import { exerciseRows, type ExerciseRef, type ExerciseRow } from "./analytics-model";

// Joins the catalogue (titles, order, exercise ids) with the aggregates from Postgres.

export type ChapterAnalytics = {
  track: Pick<Track, "slug" | "title">;
  chapter: Pick<Chapter, "slug" | "title">;
  steps: (FunnelStep & { title: string })[];
  exercises: ExerciseRow[];
};

function exercisesOf(catalog: Catalog, lessonKey: string): ExerciseRef[] {
  return (catalog.lessons.get(lessonKey)?.parsed.cells ?? [])
    .filter((c) => c.role === "exercise")
    .map((c) => ({ id: c.id, kind: c.kind }));
}

async function loadChapterAnalytics(
  catalog: Catalog,
  track: Track,
  chapter: Chapter,
  scope: LearnerScope,
): Promise<ChapterAnalytics> {
  const keys = chapter.lessons.map((l) => l.key);
  const titles = new Map(chapter.lessons.map((l) => [l.key, l.title]));
  const [funnel, stats, errors] = await Promise.all([
    chapterFunnel(keys, scope),
    exerciseStats(keys, scope),
    commonErrors(keys, 3, scope),
  ]);
  const lessons = chapter.lessons.map((l) => ({
    key: l.key,
    title: l.title,
    exercises: exercisesOf(catalog, l.key),
  }));
  return {
    track: { slug: track.slug, title: track.title },
    chapter: { slug: chapter.slug, title: chapter.title },
    steps: funnel.map((s) => ({ ...s, title: titles.get(s.lessonKey) ?? s.lessonKey })),
    exercises: exerciseRows(lessons, stats, errors),
  };
}

/**
 * Chapters one after another: the pool is shared with learners' progress writes. Cached for
 * minutes (lib/cache/app-cache.ts): a class of instructors reloading the page costs one load.
 */
export function loadTracksAnalytics(
  catalog: Catalog,
  tracks: Track[],
  scope: LearnerScope = ALL_LEARNERS,
): Promise<ChapterAnalytics[]> {
  // The learners covered are part of the key: one class's figures never answer for another's.
  const learners = scope.kind === "all" ? "all" : [...scope.classIds].sort().join("+");
  return readThroughAnalytics(`${tracks.map((track) => track.slug).join(",")}|${learners}`, () =>
    loadTracksAnalyticsUncached(catalog, tracks, scope),
  );
}

async function loadTracksAnalyticsUncached(
  catalog: Catalog,
  tracks: Track[],
  scope: LearnerScope,
): Promise<ChapterAnalytics[]> {
  const out: ChapterAnalytics[] = [];
  for (const track of tracks)
    for (const chapter of track.chapters)
      out.push(await loadChapterAnalytics(catalog, track, chapter, scope));
  return out;
}
