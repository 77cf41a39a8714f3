import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChapterNav } from "@/components/lesson/chapter-nav";
import styles from "@/components/lesson/lesson-layout.module.css";
import { LessonBody } from "@/components/lesson/lesson-body";
import { LessonProblems } from "@/components/lesson/lesson-problems";
import { LiveReload } from "@/components/instructor/live-reload";
import { contentRoot, findLesson, getCatalog, lessonProblems } from "@/lib/content/catalog";
import { contentTreeVersion } from "@/lib/content/content-version";

type Params = { track: string; chapter: string; lesson: string };

export const dynamicParams = false;

// Every lesson file, also one whose front matter is broken (only `next dev` gets that far: the
// build stops on invalid content), so that its page can show the problems.
export function generateStaticParams(): Params[] {
  return [...getCatalog().lessonFiles.keys()].map((key) => {
    const [track = "", chapter = "", lesson = ""] = key.split("/");
    return { track, chapter, lesson };
  });
}

/** `next dev`: the page follows saves of the content folder (see LiveReload). */
function DevReload() {
  if (process.env.NODE_ENV !== "development") return null;
  return (
    <LiveReload
      versionUrl="/api/dev/content-version"
      renderedVersion={contentTreeVersion(contentRoot())}
    />
  );
}

export async function generateMetadata({ params }: { params: Promise<Params> }): Promise<Metadata> {
  const { track, chapter, lesson } = await params;
  const found = findLesson(track, chapter, lesson);
  return found ? { title: found.meta.title, description: found.meta.summary } : {};
}

export default async function LessonPage({ params }: { params: Promise<Params> }) {
  const { track: trackSlug, chapter, lesson } = await params;
  const catalog = getCatalog();
  const key = `${trackSlug}/${chapter}/${lesson}`;
  const problems = lessonProblems(catalog, key);
  const file = catalog.lessonFiles.get(key)?.file;
  if (problems.length > 0 && file) {
    return (
      <main id="main" className={styles.article}>
        <div className={styles.prose}>
          <p className={styles.breadcrumb}>
            <Link href="/">Catalogue</Link>
          </p>
          <h1>This lesson cannot be shown yet</h1>
          <LessonProblems file={file} problems={problems} />
        </div>
        <DevReload />
      </main>
    );
  }
  const found = findLesson(trackSlug, chapter, lesson);
  const track = catalog.tracks.find((t) => t.slug === trackSlug);
  if (!found || !track) notFound();
  const { meta, parsed, previous, next } = found;
  const chapterTitle = track.chapters.find((c) => c.slug === meta.chapter)?.title;
  const objectives = parsed.frontMatter?.objectives ?? [];

  return (
    <div className={styles.layout}>
      <ChapterNav track={track} currentKey={meta.key} />
      <main id="main" className={styles.article}>
        <div className={styles.prose}>
          <p className={styles.breadcrumb}>
            <Link href="/">Catalogue</Link> / {track.title} / {chapterTitle}
          </p>
          <h1>{meta.title}</h1>
          <p className={styles.summary}>
            {meta.summary} <span aria-label={`${meta.minutes} minutes`}>· {meta.minutes} min</span>
          </p>
          {objectives.length > 0 && (
            <section className={styles.objectives} aria-labelledby="objectives">
              <h2 id="objectives">You will</h2>
              <ul>
                {objectives.map((o) => (
                  <li key={o}>{o}</li>
                ))}
              </ul>
            </section>
          )}
        </div>
        <LessonBody lessonKey={meta.key} blocks={parsed.blocks} />
        <DevReload />
        <nav className={styles.pager} aria-label="Previous and next lesson">
          {previous && (
            <Link href={previous.href} rel="prev">
              <span>Previous</span>
              {previous.title}
            </Link>
          )}
          {next && (
            <Link href={next.href} rel="next" className={styles.next}>
              <span>Next</span>
              {next.title}
            </Link>
          )}
        </nav>
      </main>
      {parsed.headings.length > 0 && (
        <aside className={styles.toc} aria-label="On this page">
          <h2>On this page</h2>
          <ol>
            {parsed.headings.map((h) => (
              <li key={h.slug} className={h.depth === 3 ? styles.depth3 : undefined}>
                <a href={`#${h.slug}`}>{h.text}</a>
              </li>
            ))}
          </ol>
        </aside>
      )}
    </div>
  );
}
