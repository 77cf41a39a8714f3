"use client";
/**
 * React access to a lesson's kernel status (starting / idle / busy, backend, memory, leaks).
 */
import { useSyncExternalStore } from "react";
import type { KernelSnapshot } from "@/lib/kernel/kernel-client";
import { getKernel } from "./kernel-registry";

const SERVER_SNAPSHOT: KernelSnapshot = {
  status: "off",
  backend: null,
  requestedBackend: "wasm",
  memory: null,
  leak: null,
  notice: null,
  fastRnn: true,
  workerStarts: 0,
};

const noopSubscribe = () => () => {};

export function useKernelStatus(lessonKey: string): KernelSnapshot {
  const kernel = typeof window === "undefined" ? null : getKernel(lessonKey);
  return useSyncExternalStore(
    kernel ? kernel.subscribe : noopSubscribe,
    kernel ? kernel.getSnapshot : () => SERVER_SNAPSHOT,
    () => SERVER_SNAPSHOT,
  );
}
