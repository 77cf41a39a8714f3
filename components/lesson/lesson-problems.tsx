import { formatProblems, type Catalog } from "@/lib/content/catalog";
import styles from "./lesson-problems.module.css";

/**
 * A lesson file with problems, shown in its page's place under `next dev` and in the preview:
 * each problem as `file:line: message`. Only this lesson is affected; every other page works.
 */
export function LessonProblems({
  file,
  problems,
}: {
  file: string;
  problems: Catalog["problems"];
}) {
  return (
    <section
      className={styles.problems}
      data-testid="lesson-problems"
      aria-labelledby="lesson-problems"
    >
      <h2 id="lesson-problems">
        {problems.length === 1 ? "1 problem" : `${problems.length} problems`} in <code>{file}</code>
      </h2>
      <p>
        Learners never see this page: <code>npm run build</code> stops on these problems. Fix the
        file and save it; this page reloads by itself.
      </p>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            <code>{formatProblems([p])}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
