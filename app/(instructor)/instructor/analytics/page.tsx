import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChapterAnalyticsView } from "@/components/instructor/chapter-analytics-view";
import { InstructorNav } from "@/components/instructor/instructor-nav";
import { loadTracksAnalytics } from "@/lib/instructor/load-analytics";
import styles from "@/components/instructor/instructor.module.css";
import { refuseForbidden, requireInstructor } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";
import { recentLearners } from "@/lib/db/analytics-repository";
import { HardestExercises, TrackFunnel } from "@/components/instructor/analytics-overview";
import {
  hardestExercises,
  TIME_TO_PASS_DEFINITION,
  type ExerciseSort,
} from "@/lib/instructor/analytics-model";
import { loadAllExercises, loadTrackFunnel } from "@/lib/instructor/load-overview";
import { ClassPicker, withClass } from "@/components/instructor/class-picker";
import { analyticsScopeFor } from "@/lib/classes/scope";

export const metadata: Metadata = { title: "Analytics" };
export const dynamic = "force-dynamic";

/** Funnels and exercise pass rates per chapter of one track, and the recently active learners. */
export default async function AnalyticsPage({
  searchParams,
}: {
  searchParams: Promise<{
    track?: string | string[];
    class?: string | string[];
    sort?: string | string[];
  }>;
}) {
  const user = await requireInstructor("/instructor/analytics");
  const { track: requested, class: classParam, sort: sortParam } = await searchParams;
  const sort: ExerciseSort =
    sortParam === "attempts" || sortParam === "error" ? sortParam : "pass-rate";
  // Instructors see the learners of their own classes (a class picked here narrows to it);
  // admins see everyone unless they pick a class.
  const access = await analyticsScopeFor(
    user,
    typeof classParam === "string" && classParam ? classParam : undefined,
  );
  if ("refused" in access) {
    if (access.refused === 404) notFound();
    refuseForbidden("class-owner");
  }
  const classId = access.selected?.id;
  const catalog = readCatalog();
  const track = catalog.tracks.find((t) => t.slug === requested) ?? catalog.tracks[0];
  const [chapters, recent, exercises, funnel] = await Promise.all([
    track ? loadTracksAnalytics(catalog, [track], access.scope) : Promise.resolve([]),
    recentLearners(15, access.scope),
    loadAllExercises(catalog, access.scope),
    track ? loadTrackFunnel(catalog, track, access.scope) : Promise.resolve([]),
  ]);
  const sortHref = (by: ExerciseSort) =>
    withClass(`/instructor/analytics?track=${track?.slug ?? ""}&sort=${by}`, classId) +
    "#hardest-exercises";

  return (
    <main id="main" className={styles.page}>
      <InstructorNav user={user} />
      <h1>Analytics</h1>
      <ClassPicker
        role={user.role}
        classes={access.classes}
        selectedId={classId}
        track={track?.slug}
      />
      <nav className={styles.chips} aria-label="Tracks">
        {catalog.tracks.map((t) => (
          <Link
            key={t.slug}
            href={withClass(`/instructor/analytics?track=${t.slug}`, classId)}
            aria-current={t.slug === track?.slug ? "page" : undefined}
          >
            {t.title}
          </Link>
        ))}
      </nav>
      <p className={styles.muted}>
        Learners only: instructors&apos; and admins&apos; own runs are never counted.{" "}
        {TIME_TO_PASS_DEFINITION}
      </p>
      <HardestExercises rows={hardestExercises(exercises, sort)} sort={sort} sortHref={sortHref} />
      {track && <TrackFunnel title={track.title} rows={funnel} />}
      <div className={styles.actions}>
        <a href={withClass("/instructor/analytics/export?kind=exercises", classId)} download>
          Export exercises (CSV)
        </a>
        <a href={withClass("/instructor/analytics/export?kind=lessons", classId)} download>
          Export lessons and funnels (CSV)
        </a>
      </div>
      {chapters.map((data) => (
        <ChapterAnalyticsView key={`${data.track.slug}/${data.chapter.slug}`} data={data} />
      ))}
      <section className={styles.section} aria-labelledby="recent-learners">
        <h2 id="recent-learners">Recently active learners</h2>
        <p>
          <Link href={withClass("/instructor/learners", classId)}>All learners</Link>
        </p>
        {recent.length === 0 ? (
          <p className={styles.muted}>No learner has started a lesson yet.</p>
        ) : (
          <div className={styles.tableWrap}>
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Learner</th>
                  <th scope="col" className={styles.num}>
                    Lessons started
                  </th>
                  <th scope="col" className={styles.num}>
                    Completed
                  </th>
                  <th scope="col" className={styles.num}>
                    Last active
                  </th>
                </tr>
              </thead>
              <tbody>
                {recent.map((l) => (
                  <tr key={l.id}>
                    <th scope="row">
                      <Link href={`/instructor/learners/${encodeURIComponent(l.id)}`}>
                        {l.name}
                      </Link>{" "}
                      <span className={styles.muted}>{l.email}</span>
                    </th>
                    <td className={styles.num}>{l.lessonsStarted}</td>
                    <td className={styles.num}>{l.lessonsCompleted}</td>
                    <td className={styles.num}>
                      {new Date(l.lastActiveAt).toISOString().replace("T", " ").slice(0, 16)} UTC
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
