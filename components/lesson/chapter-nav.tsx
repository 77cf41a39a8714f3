import Link from "next/link";
import type { Track } from "@/lib/content/catalog";
import styles from "./lesson-layout.module.css";

/** The track's chapters and lessons, the current one marked. Collapses into a disclosure on narrow screens. */
export function ChapterNav({ track, currentKey }: { track: Track; currentKey: string }) {
  return (
    <details className={styles.sidebar}>
      <summary className={styles.sidebarSummary}>{track.title}</summary>
      <nav aria-label="Chapters and lessons">
        {track.chapters.map((chapter) => (
          <div key={chapter.slug} className={styles.navChapter}>
            <p className={styles.navChapterTitle}>{chapter.title}</p>
            <ol>
              {chapter.lessons.map((lesson) => (
                <li key={lesson.key}>
                  <Link
                    href={lesson.href}
                    aria-current={lesson.key === currentKey ? "page" : undefined}
                    data-lesson-key={lesson.key}
                  >
                    {lesson.title}
                  </Link>
                </li>
              ))}
            </ol>
          </div>
        ))}
      </nav>
    </details>
  );
}
