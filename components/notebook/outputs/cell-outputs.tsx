"use client";
import { earlierRunLabel } from "@/lib/notebook/stored-outputs";
import type { CellOutput } from "@/lib/notebook/types";
import { OutputBox } from "./output-box";
import { OutputView } from "./output-view";
import styles from "./outputs.module.css";

/**
 * A cell's outputs in their bounded box. Outputs kept from a run on an earlier visit say so
 * (and when), until the cell runs again; they are kept in this browser only.
 */
export function CellOutputs({
  outputs,
  earlierRun,
  label,
  onShown,
}: {
  outputs: readonly CellOutput[];
  earlierRun: { savedAt: number; trimmed: boolean } | null;
  label: string;
  onShown: (output: CellOutput) => void;
}) {
  if (outputs.length === 0) return null;
  return (
    <>
      {earlierRun && (
        <p className={styles.earlierRun} data-testid="earlier-run">
          {earlierRunLabel(earlierRun.savedAt)}
          {earlierRun.trimmed ? " · output trimmed" : ""}
        </p>
      )}
      <OutputBox label={`Output of ${label}`} followEnd={outputs.at(-1)?.type === "text"}>
        {outputs.map((output, i) => (
          // A kept plot drawn again is nothing a runtime waits for (and must not load one).
          <OutputView key={i} output={output} {...(earlierRun ? {} : { onShown })} />
        ))}
      </OutputBox>
    </>
  );
}
