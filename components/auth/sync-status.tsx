"use client";

import { useSyncStatus } from "@/lib/progress/use-sync-status";
import styles from "./sync-status.module.css";

/**
 * The small "is my work saved?" indicator: saved · saving · offline (n waiting) · kept in this
 * browser (not signed in). Announced politely to screen readers when it changes.
 */
export function SyncStatus() {
  const { state, pending } = useSyncStatus();
  const waiting = pending === 1 ? "1 change waiting" : `${pending} changes waiting`;
  const text =
    state === "saved" ? "All changes saved"
    : state === "saving" ? `Saving… (${waiting})`
    : state === "offline" ? `Offline — ${waiting}, will retry`
    : pending > 0 ? `Saved in this browser only — sign in to keep it (${waiting})`
    : "Saved in this browser only";
  return (
    <span className={`${styles.status} ${styles[state]}`} role="status" aria-live="polite" data-sync-state={state} data-pending={pending}>
      <span className={styles.dot} aria-hidden="true" />
      {text}
    </span>
  );
}
