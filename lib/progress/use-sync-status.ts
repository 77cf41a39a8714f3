"use client";

import { useSyncExternalStore } from "react";
import { getBrowserProgress } from "./browser";
import type { SyncStatus } from "./outbox";

const SERVER_STATUS: SyncStatus = { state: "saved", pending: 0, lastError: null };

/** The tab's sync status for the indicator: saved · saving · offline · local, and pending count. */
export function useSyncStatus(): SyncStatus {
  return useSyncExternalStore(
    (listener) => getBrowserProgress().outbox.subscribe(listener),
    () => getBrowserProgress().outbox.getStatus(),
    () => SERVER_STATUS,
  );
}
