/**
 * The two notes a cell shows about its result beyond its outputs: an exercise's check verdict
 * (pass or fail decided by the verdict, never by its wording) and, for a cell that failed
 * because of a cell above, which cell that is, linked.
 */
import { describeFailureCause, type FailureCause } from "@/lib/notebook/failure-cause";
import { CHECK_PASSED } from "@/lib/notebook/check-result";
import type { CheckVerdict } from "@/lib/notebook/types";
import styles from "./cell.module.css";

export function CheckVerdictNote({ verdict }: { verdict: CheckVerdict }) {
  const title = verdict.passed ? "Check passed" : "Check failed";
  const detail = verdict.message.trim();
  return (
    <p
      className={verdict.passed ? styles.passed : styles.failed}
      role="status"
      data-check={verdict.passed ? "passed" : "failed"}
    >
      <span aria-hidden="true">{verdict.passed ? "✓ " : "✗ "}</span>
      <strong>{title}</strong>
      {detail && detail !== CHECK_PASSED && (
        <>
          {": "}
          <span className={styles.verdictMessage}>{detail}</span>
        </>
      )}
    </p>
  );
}

export function FailureCauseNote({ cause }: { cause: FailureCause }) {
  const { before, after } = describeFailureCause(cause);
  return (
    <p className={styles.cause} data-testid="failure-cause" data-cause-cell={cause.cellId}>
      {before}{" "}
      <a href={`#cell-${cause.cellId}`}>
        <code>{cause.cellId}</code>
      </a>{" "}
      {after}
    </p>
  );
}
