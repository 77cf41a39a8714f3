"use client";
/**
 * The lesson's kernel controls: status (off / starting / idle / busy), backend choice, live
 * tensor memory, a leak warning, and Interrupt / Restart. Mounting it warm-starts the kernel
 * and Plotly at idle (lib/cells/tfjs/use-warm-start.ts). Everything is a native control, so
 * it works from the keyboard; state changes are announced politely.
 */
import { useId } from "react";
import { getKernel, rememberBackend, rememberFastRnn } from "@/lib/cells/tfjs/kernel-registry";
import { BACKENDS, backendSchema } from "@/lib/kernel/protocol";
import type { KernelStatus } from "@/lib/kernel/kernel-client";
import { useKernelStatus } from "@/lib/cells/tfjs/use-kernel-status";
import { useKernelWarmStart } from "@/lib/cells/tfjs/use-warm-start";
import styles from "./kernel-bar.module.css";

export interface KernelBarProps {
  /** `<track>/<chapter>/<lesson>`, the same key the cells' RunRequest carries. */
  lessonKey: string;
  className?: string;
}

const STATUS_TEXT: Record<KernelStatus, string> = {
  off: "not started",
  starting: "starting…",
  idle: "idle",
  busy: "busy",
};

const BACKEND_LABEL: Record<(typeof BACKENDS)[number], string> = {
  wasm: "WebAssembly (fast, default)",
  cpu: "CPU (plain JavaScript)",
  webgl: "WebGL (GPU)",
  webgpu: "WebGPU (GPU, experimental)",
};

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function KernelBar({ lessonKey, className }: KernelBarProps) {
  const snapshot = useKernelStatus(lessonKey);
  // The bar is only on lessons with tfjs cells, and mounts after hydration.
  useKernelWarmStart(lessonKey);
  const selectId = useId();
  const fastId = useId();
  const kernel = () => getKernel(lessonKey);
  const running = snapshot.status !== "off";

  return (
    <section
      className={`${styles.bar} ${className ?? ""}`}
      aria-label="TensorFlow.js kernel"
      data-worker-starts={snapshot.workerStarts}
    >
      <p className={styles.status} aria-live="polite">
        <span className={`${styles.dot} ${styles[snapshot.status]}`} aria-hidden="true" />
        Kernel {STATUS_TEXT[snapshot.status]}
        {snapshot.backend ? <span className={styles.muted}> · {snapshot.backend}</span> : null}
      </p>

      <label className={styles.field} htmlFor={selectId}>
        <span>Backend</span>
        <select
          id={selectId}
          value={snapshot.requestedBackend}
          onChange={(e) => {
            const parsed = backendSchema.safeParse(e.target.value);
            if (!parsed.success) return;
            rememberBackend(parsed.data);
            kernel().setBackend(parsed.data);
          }}
        >
          {BACKENDS.map((b) => (
            <option key={b} value={b}>
              {BACKEND_LABEL[b]}
            </option>
          ))}
        </select>
      </label>

      <label
        className={styles.check}
        htmlFor={fastId}
        title="Fused LSTM/GRU/SimpleRNN layers, same results. Changing this restarts the kernel."
      >
        <input
          id={fastId}
          type="checkbox"
          checked={snapshot.fastRnn}
          onChange={(e) => {
            rememberFastRnn(e.target.checked);
            kernel().setFastRnn(e.target.checked);
            if (running) kernel().restart();
          }}
        />
        <span>Fast recurrent layers</span>
      </label>

      <p className={styles.memory} title="tf.memory(): live tensors and their bytes">
        {snapshot.memory
          ? `${snapshot.memory.numTensors.toLocaleString("en")} tensors · ${formatBytes(snapshot.memory.numBytes)}`
          : "memory —"}
      </p>

      <div className={styles.actions}>
        <button
          type="button"
          className={styles.button}
          onClick={() => kernel().interrupt()}
          disabled={snapshot.status !== "busy"}
        >
          Interrupt
        </button>
        <button
          type="button"
          className={styles.button}
          onClick={() => kernel().restart()}
          disabled={!running}
        >
          Restart kernel
        </button>
      </div>

      {snapshot.leak && (
        <p className={styles.warning} role="status">
          <span aria-hidden="true">⚠ </span>
          Cell “{snapshot.leak.cellId}” left {snapshot.leak.tensors} tensor
          {snapshot.leak.tensors === 1 ? "" : "s"} that no variable refers to. Use{" "}
          <code>tf.tidy()</code> or <code>.dispose()</code>.
        </p>
      )}
      {snapshot.notice && (
        <p className={styles.notice} role="status">
          {snapshot.notice}
        </p>
      )}
    </section>
  );
}
