import { Cell } from "@/components/notebook/cell";
import { ManifestCell } from "@/components/notebook/manifest-cell";
import { NotebookProvider, type NotebookCellSpec } from "@/components/notebook/notebook-context";
import { NotebookToolbar } from "@/components/notebook/notebook-toolbar";
import { cypherSchemaFor } from "@/lib/cells/cypher/dataset-schema";
import { fileOf } from "@/lib/cells/rust/project";
import { clientCellSpec } from "@/lib/content/client-cells";
import { highlightCode } from "@/lib/content/highlight";
import { withManifestBlocks } from "@/lib/content/manifest-blocks";
import type { LessonBlock } from "@/lib/content/parse-lesson";
import { CypherSchemaForCompletion } from "./cypher-schema";
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
  const rendered = withManifestBlocks(blocks);
  // Completion knows the lesson's graph without querying it: computed here, at build time.
  const cypherCells = cells.filter((c) => c.kind === "cypher");
  const cypherSchema =
    cypherCells.length > 0
      ? await cypherSchemaFor(
          cypherCells.flatMap((c) => (c.attributes.dataset ? [c.attributes.dataset] : [])),
        )
      : null;
  const manifestHtml = new Map(
    await Promise.all(
      rendered.flatMap((b) =>
        b.type === "manifest"
          ? [highlightCode(b.manifest.text, "toml").then((html) => [b.manifest.key, html] as const)]
          : [],
      ),
    ),
  );

  return (
    <NotebookProvider lessonKey={lessonKey} cells={specs}>
      {cells.length > 0 && <NotebookToolbar />}
      {cypherSchema && <CypherSchemaForCompletion schema={cypherSchema} />}
      {rendered.map((block, i) =>
        block.type === "prose" ? (
          <div key={i} className={styles.prose}>
            <Prose nodes={block.nodes} />
          </div>
        ) : block.type === "manifest" ? (
          <ManifestCell
            key={`manifest-${block.manifest.key}`}
            manifest={block.manifest}
            highlightedHtml={manifestHtml.get(block.manifest.key) ?? ""}
          />
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
            {...(block.cell.kind === "rust" ? { file: fileOf(block.cell) } : {})}
          />
        ),
      )}
    </NotebookProvider>
  );
}
