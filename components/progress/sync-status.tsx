"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { truncateText } from "@/lib/progress/text";
import {
  discardParkedChanges,
  retryParkedChanges,
  useSyncStatus,
} from "@/lib/progress/use-sync-status";
import styles from "./sync-status.module.css";

/**
 * The small "is my work saved?" indicator: saved (every change is on the server) · saving ·
 * offline (n waiting) · saved in this browser (not signed in, with a sign-in link: the work
 * joins the account) · not all saved (some refused). Announced politely to screen readers
 * when it changes. Changes the server refused are listed apart, with the server's reason, to
 * try again or discard.
 */
export function SyncStatus() {
  const { state, pending, parked, parkedReason } = useSyncStatus();
  const pathname = usePathname();
  const waiting = pending === 1 ? "1 change waiting" : `${pending} changes waiting`;
  const text =
    state === "saved"
      ? "All changes saved"
      : state === "saving"
        ? `Saving… (${waiting})`
        : state === "offline"
          ? `Offline — ${waiting}, will retry`
          : state === "refused"
            ? "Not all changes saved"
            : "Saved in this browser.";
  return (
    <span className={styles.wrapper}>
      <span
        className={`${styles.status} ${styles[state]}`}
        role="status"
        aria-live="polite"
        data-sync-state={state}
        data-pending={pending}
      >
        <span className={styles.dot} aria-hidden="true" />
        <span>
          {text}
          {state === "local" ? (
            <>
              {" "}
              <Link href={`/sign-in?next=${encodeURIComponent(pathname)}`}>Sign in</Link> to keep it
              everywhere.
            </>
          ) : null}
        </span>
      </span>
      {parked > 0 ? <ParkedChanges count={parked} reason={parkedReason} /> : null}
    </span>
  );
}

function ParkedChanges({ count, reason }: { count: number; reason: string | null }) {
  const [busy, setBusy] = useState(false);
  const changes = count === 1 ? "1 change" : `${count} changes`;
  const act = (action: () => Promise<void>) => () => {
    setBusy(true);
    void action().finally(() => setBusy(false));
  };
  return (
    <span className={styles.parked} role="alert" data-parked={count}>
      <span>
        {changes} could not be saved{reason ? `: ${truncateText(reason, 300)}` : ""}
      </span>
      <button
        type="button"
        className={styles.action}
        onClick={act(retryParkedChanges)}
        disabled={busy}
        aria-label={`Try saving the ${changes} again`}
      >
        Try again
      </button>
      <button
        type="button"
        className={styles.action}
        onClick={act(discardParkedChanges)}
        disabled={busy}
        aria-label={`Discard the ${changes} that could not be saved`}
      >
        Discard
      </button>
    </span>
  );
}
