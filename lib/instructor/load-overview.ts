import "server-only";
import { commonErrors, exerciseStats, trackFunnel } from "@/lib/db/analytics-repository";
import { ALL_LEARNERS, type LearnerScope } from "@/lib/db/learner-scope";
import type { Catalog, Track } from "@/lib/content/catalog";
import { exerciseRows, type ExerciseRow } from "./analytics-model";

// The cross-chapter views of the analytics page: every exercise of every track in one table
// (sorted hardest first by the page), and one track's funnel from its first lesson to its last.

export type TrackFunnelRow = {
  position: number;
  lessonKey: string;
  title: string;
  chapterTitle: string;
  hasExercises: boolean;
  opened: number;
  attempted: number;
  passed: number;
};

export async function loadAllExercises(
  catalog: Catalog,
  scope: LearnerScope = ALL_LEARNERS,
): Promise<ExerciseRow[]> {
  const lessons = catalog.tracks.flatMap((t) =>
    t.chapters.flatMap((c) =>
      c.lessons.map((l) => ({
        key: l.key,
        title: l.title,
        exercises: (catalog.lessons.get(l.key)?.parsed.cells ?? [])
          .filter((cell) => cell.role === "exercise")
          .map((cell) => ({ id: cell.id, kind: cell.kind })),
      })),
    ),
  );
  const keys = lessons.map((l) => l.key);
  const [stats, errors] = await Promise.all([
    exerciseStats(keys, scope),
    commonErrors(keys, 1, scope),
  ]);
  return exerciseRows(lessons, stats, errors);
}

export async function loadTrackFunnel(
  catalog: Catalog,
  track: Track,
  scope: LearnerScope = ALL_LEARNERS,
): Promise<TrackFunnelRow[]> {
  const lessons = track.chapters.flatMap((c) =>
    c.lessons.map((l) => ({
      key: l.key,
      title: l.title,
      chapterTitle: c.title,
      exerciseIds: (catalog.lessons.get(l.key)?.parsed.cells ?? [])
        .filter((cell) => cell.role === "exercise")
        .map((cell) => cell.id),
    })),
  );
  const steps = await trackFunnel(lessons, scope);
  return steps.map((step) => {
    const lesson = lessons[step.position - 1]!;
    return {
      ...step,
      title: lesson.title,
      chapterTitle: lesson.chapterTitle,
      hasExercises: lesson.exerciseIds.length > 0,
    };
  });
}
