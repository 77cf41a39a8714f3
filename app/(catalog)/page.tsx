import Link from "next/link";
import {
  CatalogProgressProvider,
  ChapterProgress,
  LessonProgressMark,
} from "@/components/catalog/catalog-progress";
import { getCatalog, type Track } from "@/lib/content/catalog";
import { trackAudience } from "@/lib/content/track-audience";
import styles from "./catalog.module.css";

export default function CatalogPage() {
  const { tracks } = getCatalog();
  return (
    <main id="main" className={styles.page}>
      <h1 className={styles.title}>Learn by running real code</h1>
      <p className={styles.lead}>
        Train sequence models in your browser, query a graph with Cypher and build small Rust
        projects — every code cell runs, right on the page.
      </p>
      <CatalogProgressProvider>
        <div className={styles.tracks}>
          {tracks.map((track) => (
            <section
              key={track.slug}
              className={styles.track}
              aria-labelledby={`track-${track.slug}`}
            >
              <h2 id={`track-${track.slug}`}>
                <Link href={track.chapters[0]?.lessons[0]?.href ?? "/"}>{track.title}</Link>
              </h2>
              <p className={styles.summary}>{track.summary}</p>
              <p className={styles.meta}>
                {track.lessonCount} {track.lessonCount === 1 ? "lesson" : "lessons"} ·{" "}
                {track.minutes} min
              </p>
              <TrackAudience track={track} />
              {track.chapters.map((chapter) => (
                <div key={chapter.slug} className={styles.chapter}>
                  <h3>
                    {chapter.title}
                    <ChapterProgress lessonKeys={chapter.lessons.map((lesson) => lesson.key)} />
                  </h3>
                  <ol>
                    {chapter.lessons.map((lesson) => (
                      <li key={lesson.key} data-lesson-key={lesson.key}>
                        <Link href={lesson.href}>{lesson.title}</Link>
                        <span className={styles.minutes}>{lesson.minutes} min</span>
                        <LessonProgressMark lessonKey={lesson.key} />
                      </li>
                    ))}
                  </ol>
                </div>
              ))}
            </section>
          ))}
        </div>
      </CatalogProgressProvider>
    </main>
  );
}

function TrackAudience({ track }: { track: Track }) {
  const { level, prerequisites } = trackAudience(track);
  return (
    <dl className={styles.audience}>
      <dt>Level</dt>
      <dd>{level}</dd>
      <dt>Prerequisites</dt>
      <dd>{prerequisites}</dd>
    </dl>
  );
}
