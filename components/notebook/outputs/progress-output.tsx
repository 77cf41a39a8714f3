"use client";
/**
 * A live progress bar (epochs of training, or a cell's own `progress()`): label, count, ETA
 * and a detail line such as the latest loss. Updated in place as new versions arrive.
 */
import type { CellOutput } from "@/lib/notebook/types";
import styles from "./progress-output.module.css";

type ProgressCellOutput = Extract<CellOutput, { type: "progress" }>;

export interface ProgressOutputProps {
  output: ProgressCellOutput;
}

function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

export function ProgressOutput({ output }: ProgressOutputProps) {
  const max = output.max > 0 ? output.max : 1;
  const fraction = Math.min(1, Math.max(0, output.value / max));
  const done = output.value >= output.max;
  return (
    <div className={styles.progress}>
      <div className={styles.head}>
        <span className={styles.label}>{output.label}</span>
        <span className={styles.count}>
          {formatCount(output.value)}/{formatCount(output.max)} · {Math.round(fraction * 100)}%
          {!done && output.etaSeconds !== undefined
            ? ` · about ${formatEta(output.etaSeconds)} left`
            : ""}
          {done ? " · done" : ""}
        </span>
      </div>
      <div
        className={styles.track}
        role="progressbar"
        aria-label={output.label}
        aria-valuemin={0}
        aria-valuemax={output.max}
        aria-valuenow={output.value}
        aria-valuetext={`${Math.round(fraction * 100)}%${output.detail ? `, ${output.detail}` : ""}`}
      >
        <span className={styles.fill} style={{ transform: `scaleX(${fraction})` }} />
      </div>
      {output.detail && <p className={styles.detail}>{output.detail}</p>}
    </div>
  );
}
