import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import {
  currentLessonHash,
  lessonCheckStatus,
  readContentCheck,
} from "@/lib/instructor/content-check-result";
import { CheckLessonButton } from "@/components/instructor/check-lesson-button";
import { InPlaceProblems } from "@/components/instructor/in-place-problems";
import { problemsInPlace } from "@/lib/instructor/preview-problems";
import { InstructorNav } from "@/components/instructor/instructor-nav";
import { BuiltVersionNotice } from "@/components/instructor/built-version-notice";
import { LiveReload } from "@/components/instructor/live-reload";
import styles from "@/components/instructor/instructor.module.css";
import { LessonBody } from "@/components/lesson/lesson-body";
import lessonStyles from "@/components/lesson/lesson-layout.module.css";
import { LessonProblems } from "@/components/lesson/lesson-problems";
import { requireInstructor } from "@/lib/auth/instructor";
import { contentRoot, lessonProblems, readCatalog } from "@/lib/content/catalog";
import { contentTreeVersion, lessonFileHash } from "@/lib/content/content-version";

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
  // Reloads on every save of the content folder, in dev and in production alike (both read disk).
  const reload = (
    <LiveReload
      versionUrl="/instructor/preview-version"
      renderedVersion={contentTreeVersion(contentRoot())}
    />
  );
  if (!entry) {
    // A lesson file whose front matter cannot be read is not in the catalogue: show why.
    const lessonFile = catalog.lessonFiles.get(key);
    if (!lessonFile) notFound();
    return (
      <div className={styles.page}>
        <InstructorNav user={user} />
        <main id="main" className={lessonStyles.article}>
          <div className={lessonStyles.prose}>
            <p className={lessonStyles.breadcrumb}>
              <Link href="/instructor">Lessons</Link> / preview of <code>{lessonFile.file}</code>
            </p>
            <LessonProblems file={lessonFile.file} problems={lessonProblems(catalog, key)} />
          </div>
          {reload}
        </main>
      </div>
    );
  }
  const { meta, parsed } = entry;
  const problems = catalog.problems.filter((p) => p.file === meta.file);
  const check = await readContentCheck();
  // A saved result counts only for the version of the file it was made from.
  const checkStatus = lessonCheckStatus(
    check.state === "ok" ? check.lessons.get(key) : undefined,
    await currentLessonHash(meta.file),
  );
  const checked = checkStatus.state === "current" ? checkStatus.result : undefined;

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
                : checkStatus.state === "stale"
                  ? "not checked since the last change"
                  : !checked
                    ? "has not run this lesson"
                    : `${checked.status}`}
              {" · reloads when the file is saved"}
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
          {process.env.NODE_ENV === "production" && (
            <BuiltVersionNotice
              file={meta.file}
              hashOnDisk={lessonFileHash(contentRoot(), meta.file)}
            />
          )}
          <CheckLessonButton lessonKey={meta.key} />
          <h1>{meta.title}</h1>
          <p className={lessonStyles.summary}>
            {meta.summary} <span aria-label={`${meta.minutes} minutes`}>· {meta.minutes} min</span>
          </p>
        </div>
        <LessonBody lessonKey={meta.key} blocks={parsed.blocks} />
        <InPlaceProblems problems={inPlace} />
        {reload}
      </main>
    </div>
  );
}
