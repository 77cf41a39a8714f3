"use client";
/**
 * Warm start for lessons with tfjs cells (issue 17): once the page is interactive and idle, start
 * the kernel (the worker loads TensorFlow.js and the wasm backend off the main thread), then, once
 * it is ready, load and warm Plotly in small tasks. Neither ever blocks a run: a cell clicked
 * earlier simply queues on the starting kernel, and a plot drawn earlier loads Plotly itself.
 */
import { useEffect } from "react";
import type { KernelClient } from "@/lib/kernel/kernel-client";
import { preloadPlotly } from "@/lib/plotly/load-plotly";
import { getKernel } from "./kernel-registry";
import { browserWarmStartEnvironment, shouldWarmStart } from "./warm-start";

/** Plotly starts loading at the latest this long after the kernel, ready or not. */
const PLOTLY_AFTER_KERNEL_MAX_MS = 5_000;

function whenIdle(run: () => void, timeout: number): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(run, { timeout });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = setTimeout(run, 200);
  return () => clearTimeout(handle);
}

/** Resolves when the kernel has left "starting" (or after `maxMs`). */
function kernelSettled(kernel: KernelClient, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      unsubscribe();
      clearTimeout(timer);
      resolve();
    };
    const check = () => {
      if (kernel.getSnapshot().status !== "starting") done();
    };
    const unsubscribe = kernel.subscribe(check);
    const timer = setTimeout(done, maxMs);
    check();
  });
}

export function useKernelWarmStart(lessonKey: string): void {
  useEffect(() => {
    if (!shouldWarmStart(browserWarmStartEnvironment())) return;
    let cancelled = false;
    let cancelPlotly = () => {};
    const cancelKernel = whenIdle(() => {
      if (cancelled) return;
      const kernel = getKernel(lessonKey);
      performance.mark("kernel:warm-start");
      kernel.start();
      void kernelSettled(kernel, PLOTLY_AFTER_KERNEL_MAX_MS).then(() => {
        if (!cancelled) cancelPlotly = whenIdle(() => void preloadPlotly(), 2_000);
      });
    }, 1_000);
    return () => {
      cancelled = true;
      cancelKernel();
      cancelPlotly();
    };
  }, [lessonKey]);
}
