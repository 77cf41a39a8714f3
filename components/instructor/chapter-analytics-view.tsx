import Link from "next/link";
import { PlotOutput } from "@/components/notebook/outputs/plot-output";
import {
  formatTimeToPass,
  funnelFigure,
  passRateFigure,
  percent,
  TIME_TO_PASS_DEFINITION,
} from "../../lib/instructor/analytics-model";
import type { ChapterAnalytics } from "../../lib/instructor/load-analytics";
import styles from "./instructor.module.css";

/** One chapter: the funnel and the exercises, each as a chart with its table alternative. */
export function ChapterAnalyticsView({ data }: { data: ChapterAnalytics }) {
  const id = `${data.track.slug}-${data.chapter.slug}`;
  return (
    <section className={styles.section} aria-labelledby={`chapter-${id}`} data-chapter={id}>
      <h2 id={`chapter-${id}`}>
        {data.track.title} › {data.chapter.title}
      </h2>
      <h3>Funnel</h3>
      <div className={styles.chart} aria-hidden="true">
        <PlotOutput
          output={funnelFigure(`funnel-${id}`, `Funnel: ${data.chapter.title}`, data.steps)}
        />
      </div>
      <div className={styles.tableWrap}>
        <table className={styles.table} data-testid={`funnel-${id}`}>
          <caption>Funnel across the lessons of {data.chapter.title}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Lesson</th>
              <th scope="col" className={styles.num}>
                Started
              </th>
              <th scope="col" className={styles.num}>
                Completed
              </th>
              <th scope="col" className={styles.num}>
                Completed this and all earlier
              </th>
              <th scope="col" className={styles.num}>
                Completion rate (completed ÷ started)
              </th>
            </tr>
          </thead>
          <tbody>
            {data.steps.map((s) => (
              <tr key={s.lessonKey}>
                <td>{s.position}</td>
                <th scope="row">
                  <Link href={`/instructor/lessons/${s.lessonKey}`}>{s.title}</Link>
                </th>
                <td className={styles.num}>{s.started}</td>
                <td className={styles.num}>{s.completed}</td>
                <td className={styles.num}>{s.completedThrough}</td>
                <td className={styles.num}>
                  {s.started === 0 ? "—" : percent(s.completed / s.started)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Exercises</h3>
      {data.exercises.length === 0 ? (
        <p className={styles.muted}>This chapter has no exercises.</p>
      ) : (
        <>
          <div className={styles.chart} aria-hidden="true">
            <PlotOutput
              output={passRateFigure(
                `pass-${id}`,
                `Pass rate per exercise: ${data.chapter.title}`,
                data.exercises,
              )}
            />
          </div>
          <div className={styles.tableWrap}>
            <table className={styles.table} data-testid={`exercises-${id}`}>
              <caption>
                Exercises of {data.chapter.title}. Results marked self-reported come from the
                learner&apos;s browser (tfjs checks, and Cypher or Rust checks from before the
                server ran them); the others were checked by the server. {TIME_TO_PASS_DEFINITION}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Lesson › exercise</th>
                  <th scope="col" className={styles.num}>
                    Attempts
                  </th>
                  <th scope="col" className={styles.num}>
                    Learners
                  </th>
                  <th scope="col" className={styles.num}>
                    Pass rate (learners)
                  </th>
                  <th scope="col" className={styles.num}>
                    Pass rate (attempts)
                  </th>
                  <th scope="col" className={styles.num}>
                    Median time to pass
                  </th>
                  <th scope="col">Most common errors</th>
                </tr>
              </thead>
              <tbody>
                {data.exercises.map((r) => (
                  <tr
                    key={`${r.lessonKey}/${r.cellId}/${r.verification}`}
                    data-exercise={`${r.lessonKey}#${r.cellId}`}
                    data-verification={r.verification}
                  >
                    <th scope="row">
                      {r.lessonTitle} › <code>{r.cellId}</code>
                      {r.verification === "self-reported" && (
                        <>
                          {" "}
                          <span
                            className={`${styles.badge} ${styles.neutral}`}
                            title="The learner's browser ran this check and reported the result; the server did not verify it."
                          >
                            self-reported
                          </span>
                        </>
                      )}
                    </th>
                    <td className={styles.num}>{r.attempts}</td>
                    <td className={styles.num}>{r.learners}</td>
                    <td className={styles.num}>
                      {r.learners === 0
                        ? "—"
                        : `${percent(r.learnerPassRate)} (${r.learnersPassed})`}
                    </td>
                    <td className={styles.num}>
                      {r.attempts === 0 ? "—" : percent(r.attemptPassRate)}
                    </td>
                    <td className={styles.num}>
                      {formatTimeToPass(r.medianTimeToPassMs, r.medianAttemptsToPass)}
                    </td>
                    <td>
                      {r.topErrors.length === 0 ? (
                        <span className={styles.muted}>none</span>
                      ) : (
                        <ol className={styles.errorList}>
                          {r.topErrors.map((e) => (
                            <li key={e.message}>
                              <code>{e.message}</code> × {e.count}
                            </li>
                          ))}
                        </ol>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
