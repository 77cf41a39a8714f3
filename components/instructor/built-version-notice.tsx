"use client";
import { useEffect, useState } from "react";
import { builtContentSchema, builtVersionStatus } from "@/lib/content/built-version";
import styles from "./instructor.module.css";

type Status = ReturnType<typeof builtVersionStatus>;

/**
 * Production preview: the preview reads the file on disk, learners get the pages built by
 * `next build`. Says so when the two differ (the built hashes come from /api/content-build).
 */
export function BuiltVersionNotice({
  file,
  hashOnDisk,
}: {
  file: string;
  hashOnDisk: string | null;
}) {
  const [status, setStatus] = useState<Status | "unknown">("unknown");
  useEffect(() => {
    let cancelled = false;
    fetch("/api/content-build")
      .then(async (response) => {
        const parsed = builtContentSchema.safeParse(response.ok ? await response.json() : null);
        if (!cancelled && parsed.success)
          setStatus(builtVersionStatus(parsed.data, file, hashOnDisk));
      })
      .catch(() => {
        // Unknown stays unknown: no notice rather than a wrong one.
      });
    return () => {
      cancelled = true;
    };
  }, [file, hashOnDisk]);
  if (status === "unknown" || status === "same") return null;
  return (
    <p className={styles.warning} role="status" data-testid="built-version-notice">
      {status === "changed"
        ? "This file changed since the site was built; learners still see the built version."
        : "This lesson is not in the built site yet; learners cannot open it."}{" "}
      Publish it by rebuilding and restarting the site (<code>npm run build</code>, then{" "}
      <code>npm start</code>).
    </p>
  );
}
