import type { Metadata } from "next";
import Link from "next/link";
import { ChapterAnalyticsView } from "@/components/instructor/chapter-analytics-view";
import { InstructorNav } from "@/components/instructor/instructor-nav";
import { loadTracksAnalytics } from "@/lib/instructor/load-analytics";
import styles from "@/components/instructor/instructor.module.css";
import { requireInstructor } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";
import { recentLearners } from "@/lib/db/analytics-repository";

export const metadata: Metadata = { title: "Analytics" };
export const dynamic = "force-dynamic";

/** Funnels and exercise pass rates per chapter of one track, and the recently active learners. */
export default async function AnalyticsPage({
  searchParams,
}: {
  searchParams: Promise<{ track?: string | string[] }>;
}) {
  const user = await requireInstructor("/instructor/analytics");
  const { track: requested } = await searchParams;
  const catalog = readCatalog();
  const track = catalog.tracks.find((t) => t.slug === requested) ?? catalog.tracks[0];
  const [chapters, recent] = await Promise.all([
    track ? loadTracksAnalytics(catalog, [track]) : Promise.resolve([]),
    recentLearners(15),
  ]);

  return (
    <main id="main" className={styles.page}>
      <InstructorNav user={user} />
      <h1>Analytics</h1>
      <nav className={styles.chips} aria-label="Tracks">
        {catalog.tracks.map((t) => (
          <Link
            key={t.slug}
            href={`/instructor/analytics?track=${t.slug}`}
            aria-current={t.slug === track?.slug ? "page" : undefined}
          >
            {t.title}
          </Link>
        ))}
      </nav>
      <div className={styles.actions}>
        <a href="/instructor/analytics/export?kind=exercises" download>
          Export exercises (CSV)
        </a>
        <a href="/instructor/analytics/export?kind=lessons" download>
          Export lessons and funnels (CSV)
        </a>
      </div>
      {chapters.map((data) => (
        <ChapterAnalyticsView key={`${data.track.slug}/${data.chapter.slug}`} data={data} />
      ))}
      <section className={styles.section} aria-labelledby="recent-learners">
        <h2 id="recent-learners">Recently active learners</h2>
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
