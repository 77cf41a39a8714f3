import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { readContentCheck } from "@/lib/instructor/content-check-result";
import { InPlaceProblems } from "@/components/instructor/in-place-problems";
import { problemsInPlace } from "@/lib/instructor/preview-problems";
import { InstructorNav } from "@/components/instructor/instructor-nav";
import { LiveReload } from "@/components/instructor/live-reload";
import styles from "@/components/instructor/instructor.module.css";
import { LessonBody } from "@/components/lesson/lesson-body";
import lessonStyles from "@/components/lesson/lesson-layout.module.css";
import { requireInstructor } from "@/lib/auth/instructor";
import { readCatalog } from "@/lib/content/catalog";

export const metadata: Metadata = { title: "Lesson preview" };
export const dynamic = "force-dynamic";

type Params = { key: string[] };

/** The lesson exactly as learners see it, read fresh from disk, with its problems in place. */
export default async function LessonPreview({ params }: { params: Promise<Params> }) {
  const { key: parts } = await params;
  const key = parts.map(decodeURIComponent).join("/");
  const user = await requireInstructor(`/instructor/lessons/${key}`);
  const catalog = readCatalog();
  const entry = catalog.lessons.get(key);
  if (!entry) notFound();
  const { meta, parsed } = entry;
  const problems = catalog.problems.filter((p) => p.file === meta.file);
  const check = await readContentCheck();
  const checked = check.state === "ok" ? check.lessons.get(key) : undefined;

  const inPlace = problemsInPlace(parsed.cells, problems, checked);
  const failedChecks = (checked?.cells ?? []).filter((c) => c.status === "failed");

  return (
    <div className={styles.page}>
      <InstructorNav user={user} />
      <main id="main" className={lessonStyles.article}>
        <div className={lessonStyles.prose}>
          <p className={lessonStyles.breadcrumb}>
            <Link href="/instructor">Lessons</Link> / preview of <code>{meta.file}</code> ·{" "}
            <Link href={meta.href}>open as a learner</Link>
          </p>
          {problems.length === 0 && failedChecks.length === 0 ? (
            <p className={styles.info} role="status">
              Valid · content:check{" "}
              {check.state !== "ok"
                ? "not run"
                : !checked
                  ? "has not run this lesson"
                  : `${checked.status}`}
              {process.env.NODE_ENV === "development" ? " · reloads when the file is saved" : ""}
            </p>
          ) : (
            <section className={styles.callout} aria-labelledby="preview-problems">
              <h2 id="preview-problems" className={styles.calloutTitle}>
                {problems.length} validation problem(s), {failedChecks.length} failing cell(s)
              </h2>
              <ul>
                {problems.map((p, i) => (
                  <li key={`v${i}`}>
                    line {p.line}: {p.message}
                  </li>
                ))}
                {failedChecks.map((c) => (
                  <li key={`c${c.id}`}>
                    content:check, cell “{c.id}”: {c.problems.join("; ") || "failed"}
                  </li>
                ))}
                {(checked?.problems ?? []).map((p, i) => (
                  <li key={`l${i}`}>content:check: {p}</li>
                ))}
              </ul>
            </section>
          )}
          <h1>{meta.title}</h1>
          <p className={lessonStyles.summary}>
            {meta.summary} <span aria-label={`${meta.minutes} minutes`}>· {meta.minutes} min</span>
          </p>
        </div>
        <LessonBody lessonKey={meta.key} blocks={parsed.blocks} />
        <InPlaceProblems problems={inPlace} />
        {process.env.NODE_ENV === "development" && <LiveReload lessonKey={meta.key} />}
      </main>
    </div>
  );
}
