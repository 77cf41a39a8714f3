import type { ServerVerdictInput } from "@/lib/progress/verdicts";
import { logger } from "@/lib/http/log";

/**
 * Records a verdict the server computed. The learner sees the verdict whether or not it could be
 * saved, so a failed write is logged and reported as `false`, never thrown.
 */
export async function recordVerdictOrLog(
  record: (verdict: ServerVerdictInput) => Promise<unknown>,
  verdict: ServerVerdictInput,
  kind: string,
): Promise<boolean> {
  try {
    await record(verdict);
    return true;
  } catch (error) {
    logger.error(
      { err: error, lessonKey: verdict.lessonKey, cellId: verdict.cellId },
      `recording a ${kind} verdict failed`,
    );
    return false;
  }
}
