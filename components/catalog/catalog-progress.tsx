"use client";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useSessionUserId } from "@/lib/auth/use-session-user";
import { chapterCompletion, type LessonMark } from "@/lib/progress/catalog-marks";
import styles from "./catalog-progress.module.css";

// The catalogue is static HTML; where the learner is (this browser's copy, and the server's
// when signed in) is filled in after it loads.

const MarksContext = createContext<Record<string, LessonMark> | null>(null);

export function CatalogProgressProvider({ children }: { children: ReactNode }) {
  const userId = useSessionUserId();
  const [marks, setMarks] = useState<Record<string, LessonMark> | null>(null);
  useEffect(() => {
    if (userId === undefined) return;
    let cancelled = false;
    import("@/lib/progress/browser")
      .then((m) => m.loadCatalogMarks(userId))
      .then((loaded) => !cancelled && setMarks(loaded))
      .catch((error: unknown) =>
        console.error("[progress] could not load your progress for the catalogue:", error),
      );
    return () => {
      cancelled = true;
    };
  }, [userId]);
  return <MarksContext.Provider value={marks}>{children}</MarksContext.Provider>;
}

/** "✓ Completed" or "In progress" after a lesson's link. */
export function LessonProgressMark({ lessonKey }: { lessonKey: string }) {
  const mark = useContext(MarksContext)?.[lessonKey];
  if (!mark) return null;
  return mark.state === "completed" ? (
    <span className={styles.completed} data-progress="completed">
      <span aria-hidden="true">✓ </span>Completed
    </span>
  ) : (
    <span className={styles.started} data-progress="started">
      In progress
    </span>
  );
}

/** "1 of 3 completed" with a bar, once the learner has started a lesson of the chapter. */
export function ChapterProgress({ lessonKeys }: { lessonKeys: string[] }) {
  const marks = useContext(MarksContext);
  if (!marks) return null;
  const { completed, started, total } = chapterCompletion(lessonKeys, marks);
  if (completed + started === 0) return null;
  return (
    <span className={styles.chapter} data-chapter-progress={`${completed}/${total}`}>
      <span className={styles.bar} aria-hidden="true">
        <span style={{ width: `${(100 * completed) / total}%` }} />
      </span>
      {completed} of {total} completed
    </span>
  );
}
