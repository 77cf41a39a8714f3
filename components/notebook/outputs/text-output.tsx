"use client";
import { useMemo, useState } from "react";
import { formatKilobytes, textTail } from "@/lib/notebook/output-bounds";
import type { CellOutput } from "@/lib/notebook/types";
import styles from "./outputs.module.css";

/**
 * A text output: a long one shows its last 32 KB (the end of a print loop is what matters),
 * with "Show all" to render the rest.
 */
export function TextOutput({ output }: { output: Extract<CellOutput, { type: "text" }> }) {
  const [showAll, setShowAll] = useState(false);
  const tail = useMemo(() => textTail(output.text), [output.text]);
  const hidden = !showAll && tail.hiddenBytes > 0;
  return (
    <>
      {hidden && (
        <p className={styles.note} data-testid="text-tail-note">
          {formatKilobytes(tail.hiddenBytes)} of earlier output hidden.{" "}
          <button type="button" className={styles.linkButton} onClick={() => setShowAll(true)}>
            Show all ({formatKilobytes(tail.totalBytes)})
          </button>
        </p>
      )}
      <pre className={`${styles.text} ${styles[output.stream]}`}>
        {hidden ? tail.visible : output.text}
      </pre>
    </>
  );
}
