import { Cell } from "@/components/notebook/cell";
import { NotebookProvider, type NotebookCellSpec } from "@/components/notebook/notebook-context";
import { NotebookToolbar } from "@/components/notebook/notebook-toolbar";
import { clientCellSpec } from "@/lib/content/client-cells";
import { highlightCode } from "@/lib/content/highlight";
import type { LessonBlock } from "@/lib/content/parse-lesson";
import { Prose } from "./prose";
import styles from "./lesson-layout.module.css";

/** The lesson's prose (server-rendered) interleaved with its cells (client), in one notebook. */
export async function LessonBody({
  lessonKey,
  blocks,
}: {
  lessonKey: string;
  blocks: LessonBlock[];
}) {
  const cells = blocks.flatMap((b) => (b.type === "cell" ? [b.cell] : []));
  const specs: NotebookCellSpec[] = cells.map(clientCellSpec);
  const highlighted = new Map(
    await Promise.all(cells.map(async (c) => [c.id, await highlightCode(c.code, c.kind)] as const)),
  );

  return (
    <NotebookProvider lessonKey={lessonKey} cells={specs}>
      {cells.length > 0 && <NotebookToolbar />}
      {blocks.map((block, i) =>
        block.type === "prose" ? (
          <div key={i} className={styles.prose}>
            <Prose nodes={block.nodes} />
          </div>
        ) : (
          <Cell
            key={block.cell.id}
            id={block.cell.id}
            kind={block.cell.kind}
            role={block.cell.role}
            hidden={block.cell.hidden}
            highlightedHtml={highlighted.get(block.cell.id) ?? ""}
            hints={block.cell.hints.map((hint, j) => (
              <Prose key={j} nodes={hint} />
            ))}
            {...(block.cell.solution !== undefined ? { solution: block.cell.solution } : {})}
          />
        ),
      )}
    </NotebookProvider>
  );
}
