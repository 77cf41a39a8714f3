"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

/**
 * Development only: polls the lesson file's modification time and refreshes the server-rendered
 * preview when it changes, so saving the Markdown shows the new lesson without a manual reload.
 */
export function LiveReload({
  lessonKey,
  intervalMs = 1000,
}: {
  lessonKey: string;
  intervalMs?: number;
}) {
  const router = useRouter();
  const seen = useRef<number | null>(null);
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      try {
        const response = await fetch(
          `/instructor/preview-version?key=${encodeURIComponent(lessonKey)}`,
          { cache: "no-store" },
        );
        if (!response.ok) return;
        const { mtimeMs } = (await response.json()) as { mtimeMs: number };
        if (seen.current !== null && mtimeMs !== seen.current && !stopped) router.refresh();
        seen.current = mtimeMs;
      } catch {
        // The dev server restarting: try again on the next tick.
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), intervalMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [lessonKey, intervalMs, router]);
  return null;
}
