"use client";

import { useSyncExternalStore } from "react";
import { getBrowserProgress } from "./browser";
import type { SyncStatus } from "./outbox";

const SERVER_STATUS: SyncStatus = {
  state: "saved",
  pending: 0,
  lastError: null,
  parked: 0,
  parkedReason: null,
};

/** The tab's sync status for the indicator: saved · saving · offline · local, pending and parked counts. */
export function useSyncStatus(): SyncStatus {
  return useSyncExternalStore(
    (listener) => getBrowserProgress().outbox.subscribe(listener),
    () => getBrowserProgress().outbox.getStatus(),
    () => SERVER_STATUS,
  );
}

/** Deletes the changes the server refused (the learner chose to let them go). */
export function discardParkedChanges(): Promise<void> {
  return getBrowserProgress().outbox.discardParked();
}

/** Sends the refused changes once more (they are parked again if still refused). */
export function retryParkedChanges(): Promise<void> {
  return getBrowserProgress().outbox.retryParked();
}
