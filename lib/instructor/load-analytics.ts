import "server-only";
import {
  chapterFunnel,
  commonErrors,
  exerciseStats,
  type FunnelStep,
} from "@/lib/db/analytics-repository";
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
): Promise<ChapterAnalytics> {
  const keys = chapter.lessons.map((l) => l.key);
  const titles = new Map(chapter.lessons.map((l) => [l.key, l.title]));
  const [funnel, stats, errors] = await Promise.all([
    chapterFunnel(keys),
    exerciseStats(keys),
    commonErrors(keys, 3),
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

/** Chapters one after another: the pool is shared with learners' progress writes. */
export async function loadTracksAnalytics(
  catalog: Catalog,
  tracks: Track[],
): Promise<ChapterAnalytics[]> {
  const out: ChapterAnalytics[] = [];
  for (const track of tracks)
    for (const chapter of track.chapters)
      out.push(await loadChapterAnalytics(catalog, track, chapter));
  return out;
}
