"use client";
import { useId, useState } from "react";
import { rowRangeLabel, tablePage } from "@/lib/notebook/output-bounds";
import type { CellOutput } from "@/lib/notebook/types";
import styles from "./outputs.module.css";

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

/**
 * A result table, 50 rows a page. Previous / Next and where the page is in the result sit above
 * the rows, so they stay in the same place (and in view at the top of the output box).
 */
export function TableOutput({ output }: { output: Extract<CellOutput, { type: "table" }> }) {
  const [requested, setRequested] = useState(0);
  const rowCount = output.rows.length;
  const page = tablePage(rowCount, requested);
  const range = rowRangeLabel(page, rowCount);
  const tableId = useId();
  return (
    <div className={styles.tableWrap}>
      {page.pageCount > 1 && (
        <nav className={styles.pager} aria-label="Result pages">
          <button
            type="button"
            className={styles.pagerButton}
            onClick={() => setRequested(page.page - 1)}
            disabled={page.page === 0}
            aria-controls={tableId}
          >
            Previous
          </button>
          <span aria-live="polite" data-testid="table-range">
            {range}
          </span>
          <button
            type="button"
            className={styles.pagerButton}
            onClick={() => setRequested(page.page + 1)}
            disabled={page.page === page.pageCount - 1}
            aria-controls={tableId}
          >
            Next
          </button>
        </nav>
      )}
      <table className={styles.table} id={tableId}>
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
          {output.rows.slice(page.start, page.end).map((row, i) => (
            <tr key={page.start + i}>
              {row.map((v, j) => (
                <td key={j}>{formatCell(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {output.totalRows !== undefined && output.totalRows > rowCount && (
        <p className={styles.note}>
          Showing {rowCount.toLocaleString("en")} of {output.totalRows.toLocaleString("en")} rows.
        </p>
      )}
    </div>
  );
}
