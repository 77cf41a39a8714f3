import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { InstructorNav, StatusBadge } from "@/components/instructor/instructor-nav";
import styles from "@/components/instructor/instructor.module.css";
import { formatDuration } from "@/lib/instructor/analytics-model";
import { requireInstructor } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";
import { learnerDetail } from "@/lib/db/analytics-repository";

export const metadata: Metadata = { title: "Learner" };
export const dynamic = "force-dynamic";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** One learner's lessons and exercises, for instructors. */
export default async function LearnerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const id = decodeURIComponent(raw);
  const user = await requireInstructor(`/instructor/learners/${encodeURIComponent(id)}`);
  if (id.length > 200) notFound();
  const detail = await learnerDetail(id);
  if (!detail) notFound();
  const catalog = readCatalog();
  const title = (key: string) => catalog.lessons.get(key)?.meta.title ?? key;

  return (
    <main id="main" className={styles.page}>
      <InstructorNav user={user} />
      <p>
        <Link href="/instructor/analytics">Analytics</Link> / learner
      </p>
      <h1>{detail.learner.name}</h1>
      <p className={styles.muted}>
        {detail.learner.email} · {detail.learner.role} · joined {when(detail.learner.createdAt)}
      </p>
      <section className={styles.section} aria-labelledby="learner-lessons">
        <h2 id="learner-lessons">Lessons ({detail.lessons.length})</h2>
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Lesson</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col" className={styles.num}>
                  Time to complete
                </th>
                <th scope="col">Last visit</th>
              </tr>
            </thead>
            <tbody>
              {detail.lessons.map((l) => (
                <tr key={l.lessonKey}>
                  <th scope="row">{title(l.lessonKey)}</th>
                  <td>
                    {l.completedAt === null ? (
                      <StatusBadge tone="neutral">in progress</StatusBadge>
                    ) : (
                      <StatusBadge tone="ok">completed</StatusBadge>
                    )}
                  </td>
                  <td>{when(l.startedAt)}</td>
                  <td className={styles.num}>
                    {l.completedAt === null ? "—" : formatDuration(l.completedAt - l.startedAt)}
                  </td>
                  <td>{when(l.lastVisitAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className={styles.section} aria-labelledby="learner-exercises">
        <h2 id="learner-exercises">Exercises ({detail.exercises.length})</h2>
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Lesson › exercise</th>
                <th scope="col">Result</th>
                <th scope="col" className={styles.num}>
                  Attempts
                </th>
                <th scope="col" className={styles.num}>
                  Time to pass
                </th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {detail.exercises.map((e) => (
                <tr key={`${e.lessonKey}/${e.cellId}`}>
                  <th scope="row">
                    {title(e.lessonKey)} › <code>{e.cellId}</code>
                  </th>
                  <td>
                    {e.passed ? (
                      <StatusBadge tone="ok">passed</StatusBadge>
                    ) : (
                      <StatusBadge tone="bad">not yet</StatusBadge>
                    )}
                  </td>
                  <td className={styles.num}>{e.attempts}</td>
                  <td className={styles.num}>
                    {e.firstPassAt === null
                      ? "—"
                      : formatDuration(e.firstPassAt - e.firstAttemptAt)}
                  </td>
                  <td>
                    {e.lastError ? (
                      <code>{e.lastError}</code>
                    ) : (
                      <span className={styles.muted}>—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  );
}
