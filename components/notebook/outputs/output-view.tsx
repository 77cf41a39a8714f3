"use client";
import dynamic from "next/dynamic";
import type { CellOutput } from "@/lib/notebook/types";
import styles from "./outputs.module.css";
import { PlotOutput } from "./plot-output";
import { ProgressOutput } from "./progress-output";

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return value === null ? "null" : "";
  if (typeof value === "string") return value;
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

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
      return <pre className={`${styles.text} ${styles[output.stream]}`}>{output.text}</pre>;
    case "table":
      return (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            {output.caption && <caption>{output.caption}</caption>}
            <thead>
              <tr>
                {output.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {output.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((v, j) => (
                    <td key={j}>{formatCell(v)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {output.totalRows !== undefined && output.totalRows > output.rows.length && (
            <p className={styles.note}>
              Showing {output.rows.length.toLocaleString("en")} of{" "}
              {output.totalRows.toLocaleString("en")} rows.
            </p>
          )}
        </div>
      );
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
    default: {
      const unreachable: never = output;
      return unreachable;
    }
  }
}
