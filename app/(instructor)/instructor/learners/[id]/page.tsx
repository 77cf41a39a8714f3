import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { InstructorNav, StatusBadge } from "@/components/instructor/instructor-nav";
import styles from "@/components/instructor/instructor.module.css";
import {
  formatDuration,
  formatTimeToPass,
  TIME_TO_PASS_DEFINITION,
} from "@/lib/instructor/analytics-model";
import { ResetExerciseButton } from "@/components/instructor/reset-exercise-button";
import { requireInstructor } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";
import { learnerCellCode, learnerDetail } from "@/lib/db/analytics-repository";
import { isMemberOfAny, listClasses } from "@/lib/db/classes-repository";

export const metadata: Metadata = { title: "Learner" };
export const dynamic = "force-dynamic";

const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC";

/** One learner's lessons and exercises, for instructors. */
export default async function LearnerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id: raw } = await params;
  const id = decodeURIComponent(raw);
  const user = await requireInstructor(`/instructor/learners/${encodeURIComponent(id)}`);
  if (id.length > 200) notFound();
  // An instructor sees only learners of their own classes (anyone else reads as unknown).
  if (user.role !== "admin") {
    const mine = (await listClasses(user.id)).map((c) => c.id);
    if (!(await isMemberOfAny(mine, id))) notFound();
  }
  const detail = await learnerDetail(id);
  if (!detail) notFound();
  const catalog = readCatalog();
  const title = (key: string) => catalog.lessons.get(key)?.meta.title ?? key;
  const starter = (key: string, cellId: string) =>
    catalog.lessons.get(key)?.parsed.cells.find((c) => c.id === cellId)?.code ?? null;
  // Each exercise's current code as the learner left it (cell_state), for the code view.
  const codes = await Promise.all(
    detail.exercises.map((e) => learnerCellCode(detail.learner.id, e.lessonKey, e.cellId)),
  );

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
                  <th scope="row">
                    <Link href={`/instructor/lessons/${l.lessonKey}`}>{title(l.lessonKey)}</Link>
                  </th>
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
        <p className={styles.muted}>{TIME_TO_PASS_DEFINITION}</p>
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
                <th scope="col">Current code</th>
              </tr>
            </thead>
            <tbody>
              {detail.exercises.map((e, i) => (
                <tr key={`${e.lessonKey}/${e.cellId}`} data-exercise={`${e.lessonKey}#${e.cellId}`}>
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
                    {formatTimeToPass(
                      e.firstPassAt === null ? null : e.firstPassAt - e.firstAttemptAt,
                      e.attemptsToPass,
                    )}
                  </td>
                  <td>
                    {e.lastError ? (
                      <code>{e.lastError}</code>
                    ) : (
                      <span className={styles.muted}>—</span>
                    )}
                  </td>
                  <td>
                    <details className={styles.details}>
                      <summary>
                        {codes[i]?.code == null ? "Starter (unchanged)" : "Learner's code"}
                      </summary>
                      <pre className={styles.codeView}>
                        <code>
                          {codes[i]?.code ??
                            starter(e.lessonKey, e.cellId) ??
                            "(not in the lesson any more)"}
                        </code>
                      </pre>
                    </details>
                    <ResetExerciseButton
                      userId={detail.learner.id}
                      learnerName={detail.learner.name}
                      lessonKey={e.lessonKey}
                      cellId={e.cellId}
                    />
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
