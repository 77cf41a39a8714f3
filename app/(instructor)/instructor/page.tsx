import type { Metadata } from "next";
import Link from "next/link";
import { InstructorNav, StatusBadge } from "@/components/instructor/instructor-nav";
import {
  currentLessonHash,
  lessonCheckStatus,
  readContentCheck,
} from "@/lib/instructor/content-check-result";
import styles from "@/components/instructor/instructor.module.css";
import { requireInstructor } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";

export const metadata: Metadata = { title: "Instructor" };
export const dynamic = "force-dynamic";

/** Every track and lesson with its validation problems and the last content:check result. */
export default async function InstructorHome() {
  const user = await requireInstructor("/instructor");
  // readCatalog, not getCatalog: invalid content must be listed here, not thrown.
  const catalog = readCatalog();
  const check = await readContentCheck();
  // Each file's hash now: a saved result counts only for the version it was made from.
  const hashes = new Map(
    await Promise.all(
      [...catalog.lessons.values()].map(
        async ({ meta }) => [meta.key, await currentLessonHash(meta.file)] as const,
      ),
    ),
  );
  const problemsByFile = new Map<string, typeof catalog.problems>();
  for (const p of catalog.problems)
    problemsByFile.set(p.file, [...(problemsByFile.get(p.file) ?? []), p]);
  const lessonFiles = new Set([...catalog.lessons.values()].map((l) => l.meta.file));
  const orphanProblems = catalog.problems.filter((p) => !lessonFiles.has(p.file));

  return (
    <main id="main" className={styles.page}>
      <InstructorNav user={user} />
      <h1>Lessons</h1>
      <p className={styles.muted}>
        {catalog.lessons.size} lessons in {catalog.tracks.length} tracks ·{" "}
        {catalog.problems.length === 0
          ? "no validation problems"
          : `${catalog.problems.length} validation problem(s)`}{" "}
        · content:check{" "}
        {check.state === "not-run"
          ? "not run (run `npm run content:check` to see cell results here)"
          : check.state === "invalid"
            ? `result unreadable: ${check.message}`
            : `last run ${new Date(check.finishedAt).toISOString().replace("T", " ").slice(0, 16)} UTC`}
      </p>
      {orphanProblems.length > 0 && (
        <section className={styles.callout} aria-labelledby="other-problems">
          <h2 id="other-problems">Problems outside lessons</h2>
          <ul>
            {orphanProblems.map((p, i) => (
              <li key={i}>
                {p.file}:{p.line}: {p.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {catalog.tracks.map((track) => (
        <section
          key={track.slug}
          className={styles.section}
          aria-labelledby={`track-${track.slug}`}
        >
          <h2 id={`track-${track.slug}`}>{track.title}</h2>
          {track.chapters.map((chapter) => (
            <div key={chapter.slug} className={styles.tableWrap}>
              <table className={`${styles.table} ${styles.lessonTable}`}>
                <caption>{chapter.title}</caption>
                <thead>
                  <tr>
                    <th scope="col">Lesson</th>
                    <th scope="col">Validation</th>
                    <th scope="col">content:check</th>
                    <th scope="col">File</th>
                  </tr>
                </thead>
                <tbody>
                  {chapter.lessons.map((lesson) => {
                    const problems = problemsByFile.get(lesson.file) ?? [];
                    const status = lessonCheckStatus(
                      check.state === "ok" ? check.lessons.get(lesson.key) : undefined,
                      hashes.get(lesson.key) ?? null,
                    );
                    const result = status.state === "current" ? status.result : undefined;
                    const failedCells = result?.cells.filter((c) => c.status === "failed") ?? [];
                    return (
                      <tr key={lesson.key} data-lesson-key={lesson.key}>
                        <th scope="row">
                          <Link href={`/instructor/lessons/${lesson.key}`}>{lesson.title}</Link>
                        </th>
                        <td>
                          {problems.length === 0 ? (
                            <StatusBadge tone="ok">valid</StatusBadge>
                          ) : (
                            <StatusBadge tone="bad">{`${problems.length} problem(s)`}</StatusBadge>
                          )}
                          {problems.length > 0 && (
                            <ul className={styles.problems}>
                              {problems.map((p, i) => (
                                <li key={i}>
                                  line {p.line}: {p.message}
                                </li>
                              ))}
                            </ul>
                          )}
                        </td>
                        <td>
                          {check.state !== "ok" ? (
                            <StatusBadge tone="neutral">not run</StatusBadge>
                          ) : status.state === "stale" ? (
                            <StatusBadge tone="neutral">
                              not checked since the last change
                            </StatusBadge>
                          ) : !result ? (
                            <StatusBadge tone="neutral">not in last run</StatusBadge>
                          ) : (
                            <>
                              <StatusBadge
                                tone={
                                  result.status === "passed"
                                    ? "ok"
                                    : result.status === "failed"
                                      ? "bad"
                                      : "neutral"
                                }
                              >
                                {result.status}
                              </StatusBadge>
                              {failedCells.length + result.problems.length > 0 && (
                                <ul className={styles.problems}>
                                  {failedCells.map((c) => (
                                    <li key={c.id}>
                                      {c.id}: {c.problems[0] ?? "failed"}
                                    </li>
                                  ))}
                                  {result.problems.map((p, i) => (
                                    <li key={`l${i}`}>{p}</li>
                                  ))}
                                </ul>
                              )}
                            </>
                          )}
                        </td>
                        <td className={styles.muted}>
                          <code>{lesson.file}</code>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ))}
        </section>
      ))}
    </main>
  );
}
