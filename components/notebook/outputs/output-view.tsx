"use client";
import dynamic from "next/dynamic";
import type { CellOutput } from "@/lib/notebook/types";
import styles from "./outputs.module.css";
import { PlanOutput } from "./plan-output";
import { PlotOutput } from "./plot-output";
import { ProgressOutput } from "./progress-output";
import { TableOutput } from "./table-output";
import { TextOutput } from "./text-output";

// Only Cypher results that hold nodes need the graph view: keep it out of the first load.
const GraphOutput = dynamic(() => import("./graph-output").then((m) => m.GraphOutput), {
  ssr: false,
  loading: () => <p className={styles.note}>Loading the graph view…</p>,
});

/**
 * Renders one output item. Plots, progress bars and graphs have their own lazy components.
 * `onShown` hears when an output is on screen (a plot drawn).
 */
export function OutputView({
  output,
  onShown,
}: {
  output: CellOutput;
  onShown?: (output: CellOutput) => void;
}) {
  switch (output.type) {
    case "text":
      return <TextOutput output={output} />;
    case "table":
      return <TableOutput output={output} />;
    case "tensor":
      return (
        <div className={styles.tensor}>
          <p className={styles.note}>
            Tensor · shape [{output.shape.join(", ")}] · {output.dtype}
          </p>
          <pre className={styles.text}>{output.preview}</pre>
        </div>
      );
    case "error":
      return (
        <div className={styles.error} role="alert">
          <strong>{output.name}</strong>
          {output.line !== undefined && (
            <span>
              {" "}
              (line {output.line}
              {output.column !== undefined ? `, column ${output.column}` : ""})
            </span>
          )}
          <pre className={styles.errorMessage}>{output.message}</pre>
        </div>
      );
    case "success":
      return (
        <p className={styles.success} role="status">
          {output.message}
        </p>
      );
    case "progress":
      return <ProgressOutput output={output} />;
    case "plot":
      return <PlotOutput output={output} {...(onShown ? { onDrawn: onShown } : {})} />;
    case "graph":
      return <GraphOutput output={output} />;
    case "plan":
      return <PlanOutput output={output} />;
    default: {
      const unreachable: never = output;
      return unreachable;
    }
  }
}
