"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

/**
 * Polls the content folder's version and refreshes the server-rendered page when it changes, so
 * saving the Markdown shows the new lesson (prose, cells' code, hints, checks) without a manual
 * reload. The first version comes from the server render itself: a save made while the page
 * loads, before the first poll answers, is not taken for the baseline and missed.
 */
export function LiveReload({
  versionUrl,
  renderedVersion,
  intervalMs = 400,
}: {
  /** Answers `{ version: string }`. */
  versionUrl: string;
  /** The version the page was rendered from. */
  renderedVersion: string;
  intervalMs?: number;
}) {
  const router = useRouter();
  const seen = useRef(renderedVersion);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One request at a time: the next poll waits for the answer (a first dev compile is slow).
    const tick = async () => {
      try {
        const response = await fetch(versionUrl, { cache: "no-store" });
        const body: unknown = response.ok ? await response.json() : null;
        const version =
          body && typeof body === "object" && "version" in body ? body.version : undefined;
        if (!stopped && typeof version === "string" && version !== seen.current) {
          seen.current = version;
          router.refresh();
        }
      } catch {
        // The dev server restarting: try again on the next tick.
      }
      if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
    };
    timer = setTimeout(() => void tick(), intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [versionUrl, intervalMs, router]);
  return null;
}
