import Link from "next/link";
import {
  EXERCISE_SORTS,
  formatTimeToPass,
  percent,
  type ExerciseRow,
  type ExerciseSort,
} from "@/lib/instructor/analytics-model";
import type { TrackFunnelRow } from "@/lib/instructor/load-overview";
import styles from "./instructor.module.css";

/**
 * Every exercise with attempts, hardest first by the chosen measure; the column headers are
 * links that re-sort (a server-rendered page: no script needed).
 */
export function HardestExercises({
  rows,
  sort,
  sortHref,
}: {
  rows: ExerciseRow[];
  sort: ExerciseSort;
  sortHref: (sort: ExerciseSort) => string;
}) {
  const header = (key: ExerciseSort, label: string) => (
    <th
      scope="col"
      className={styles.num}
      aria-sort={sort === key ? (key === "pass-rate" ? "ascending" : "descending") : undefined}
    >
      <Link href={sortHref(key)} aria-current={sort === key ? "true" : undefined}>
        {label}
        {sort === key ? " ▾" : ""}
      </Link>
    </th>
  );
  return (
    <section className={styles.section} aria-labelledby="hardest-exercises">
      <h2 id="hardest-exercises">Hardest exercises</h2>
      {rows.length === 0 ? (
        <p className={styles.muted}>No learner has attempted an exercise yet.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} data-testid="hardest-exercises">
            <caption>
              Every exercise learners attempted, in all tracks, hardest first by{" "}
              {EXERCISE_SORTS[sort]}. Select a column to sort by it.
            </caption>
            <thead>
              <tr>
                <th scope="col">Lesson › exercise</th>
                {header("pass-rate", "Pass rate (learners)")}
                {header("attempts", "Attempts to pass (median)")}
                <th scope="col" className={styles.num}>
                  Time to pass (median)
                </th>
                {header("error", "Most common error")}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={`${r.lessonKey}/${r.cellId}/${r.verification}`}
                  data-exercise={`${r.lessonKey}#${r.cellId}`}
                >
                  <th scope="row">
                    <Link href={`/instructor/lessons/${r.lessonKey}`}>{r.lessonTitle}</Link> ›{" "}
                    <code>{r.cellId}</code>
                    {r.verification === "self-reported" && (
                      <span className={styles.muted}> (self-reported)</span>
                    )}
                  </th>
                  <td className={styles.num}>
                    {percent(r.learnerPassRate)} of {r.learners}
                  </td>
                  <td className={styles.num}>
                    {r.medianAttemptsToPass === null ? "nobody passed" : r.medianAttemptsToPass}
                  </td>
                  <td className={styles.num}>
                    {formatTimeToPass(r.medianTimeToPassMs, r.medianAttemptsToPass)}
                  </td>
                  <td className={styles.num}>
                    {r.topErrors[0] ? (
                      <>
                        <code>{r.topErrors[0].message}</code> × {r.topErrors[0].count}
                      </>
                    ) : (
                      <span className={styles.muted}>none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** One track from its first lesson to its last: who opened, attempted and passed each. */
export function TrackFunnel({ title, rows }: { title: string; rows: TrackFunnelRow[] }) {
  const first = rows[0]?.opened ?? 0;
  return (
    <section className={styles.section} aria-labelledby="track-funnel">
      <h2 id="track-funnel">Funnel across {title}</h2>
      <div className={styles.tableWrap}>
        <table className={styles.table} data-testid="track-funnel">
          <caption>
            Learners who opened each lesson, attempted its exercises and passed all of them, in
            course order. “Of first” compares with the learners who opened the first lesson.
          </caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Lesson</th>
              <th scope="col" className={styles.num}>
                Opened
              </th>
              <th scope="col" className={styles.num}>
                Of first
              </th>
              <th scope="col" className={styles.num}>
                Attempted
              </th>
              <th scope="col" className={styles.num}>
                Passed all exercises
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.lessonKey} data-lesson-key={r.lessonKey}>
                <td>{r.position}</td>
                <th scope="row">
                  <Link href={`/instructor/lessons/${r.lessonKey}`}>{r.title}</Link>{" "}
                  <span className={styles.muted}>{r.chapterTitle}</span>
                </th>
                <td className={styles.num}>{r.opened}</td>
                <td className={styles.num}>{first === 0 ? "—" : percent(r.opened / first)}</td>
                <td className={styles.num}>{r.hasExercises ? r.attempted : "no exercises"}</td>
                <td className={styles.num}>{r.hasExercises ? r.passed : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
