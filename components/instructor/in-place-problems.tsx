"use client";
import { useEffect, useState } from "react";
import { createPortal } from "react-dom";
import type { CellProblems } from "@/lib/instructor/preview-problems";
import styles from "./instructor.module.css";

/**
 * Puts each cell's problems right above that cell in the rendered lesson. The lesson body is
 * one notebook (cells depend on earlier cells), so it cannot be split around server-rendered
 * notes; instead a host element is placed before each cell and filled through a portal.
 */
export function InPlaceProblems({ problems }: { problems: CellProblems[] }) {
  const [hosts, setHosts] = useState<{ host: HTMLElement; item: CellProblems }[]>([]);
  useEffect(() => {
    const created: { host: HTMLElement; item: CellProblems }[] = [];
    for (const item of problems) {
      const cell = document.querySelector(`[data-cell-id="${CSS.escape(item.cellId)}"]`);
      if (!cell?.parentElement) continue;
      const host = document.createElement("div");
      host.dataset.problemsFor = item.cellId;
      cell.parentElement.insertBefore(host, cell);
      created.push({ host, item });
    }
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the hosts exist only after the DOM does
    setHosts(created);
    return () => created.forEach(({ host }) => host.remove());
  }, [problems]);
  return (
    <>
      {hosts.map(({ host, item }, i) =>
        createPortal(
          <div
            className={styles.inplace}
            role="note"
            aria-label={`${item.source} problems for cell ${item.cellId}`}
          >
            <strong>
              {item.source}: cell “{item.cellId}”
            </strong>
            <ul>
              {item.messages.map((m, j) => (
                <li key={j}>{m}</li>
              ))}
            </ul>
          </div>,
          host,
          `${item.cellId}-${i}`,
        ),
      )}
    </>
  );
}
