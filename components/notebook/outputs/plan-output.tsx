"use client";
import type { CellOutput, PlanOperator } from "@/lib/notebook/types";
import styles from "./plan-output.module.css";

type PlanOutputData = Extract<CellOutput, { type: "plan" }>;

const count = (n: number): string => n.toLocaleString("en-US");

function operatorCount(op: PlanOperator): number {
  return 1 + op.children.reduce((n, c) => n + operatorCount(c), 0);
}

function maxDbHits(op: PlanOperator): number {
  return Math.max(op.dbHits ?? 0, ...op.children.map(maxDbHits));
}

/** "rows 12 · db hits 13" under PROFILE, "≈ 133 rows" (the planner's estimate) under EXPLAIN. */
function figures(op: PlanOperator): string | null {
  if (op.rows !== undefined || op.dbHits !== undefined)
    return `rows ${count(op.rows ?? 0)} · db hits ${count(op.dbHits ?? 0)}`;
  if (op.estimatedRows !== undefined)
    return `estimated rows ${count(Math.round(op.estimatedRows * 10) / 10)}`;
  return null;
}

function OperatorItem({ op, heaviest }: { op: PlanOperator; heaviest: number }) {
  const text = figures(op);
  const share = heaviest > 0 && op.dbHits ? op.dbHits / heaviest : 0;
  return (
    <li className={styles.item}>
      <div className={styles.operator}>
        <span className={styles.name}>{op.operator}</span>
        {op.details && <code className={styles.details}>{op.details}</code>}
        {text && <span className={styles.figures}>{text}</span>}
        {share > 0 && (
          // The bar repeats the db hits in the text next to it: hidden from screen readers.
          <span className={styles.bar} aria-hidden="true">
            <span className={styles.barFill} style={{ width: `${Math.max(2, share * 100)}%` }} />
          </span>
        )}
      </div>
      {op.children.length > 0 && (
        <ul className={styles.children}>
          {op.children.map((child, i) => (
            <OperatorItem key={i} op={child} heaviest={heaviest} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * EXPLAIN / PROFILE under a Cypher cell: the operator tree as nested lists (root first, as
 * Neo4j prints it; rows flow from the leaves up), with details, estimated rows or actual rows
 * and db hits, a bar for each operator's share of the db hits, and the total.
 */
export function PlanOutput({ output }: { output: PlanOutputData }) {
  const profiled = output.mode === "profile";
  const operators = operatorCount(output.root) + (output.omitted ?? 0);
  const title = profiled ? "PROFILE" : "EXPLAIN";
  return (
    <figure className={styles.plan} data-testid="plan-output">
      <figcaption className={styles.caption}>
        <strong>{title} plan</strong> · {count(operators)}{" "}
        {operators === 1 ? "operator" : "operators"}
        {profiled && output.totalDbHits !== undefined && (
          <>
            {" "}
            ·{" "}
            <span data-testid="plan-total-db-hits">total {count(output.totalDbHits)} db hits</span>
          </>
        )}
        <span className={styles.hint}>
          {" "}
          — read from the bottom up: rows flow from the innermost operators to ProduceResults.
          {!profiled &&
            " EXPLAIN does not run the query; PROFILE runs it and counts rows and db hits."}
        </span>
      </figcaption>
      <ul className={styles.tree} aria-label={`${title} operator tree`}>
        <OperatorItem op={output.root} heaviest={profiled ? maxDbHits(output.root) : 0} />
      </ul>
      {output.omitted !== undefined && output.omitted > 0 && (
        <p className={styles.omitted}>
          {count(output.omitted)} more {output.omitted === 1 ? "operator is" : "operators are"} not
          shown.
        </p>
      )}
    </figure>
  );
}
