import "server-only";
import {
  BatchConflictError,
  cellMapKey,
  commitBatch,
  deleteLessonCellsUpTo,
  readBatchState,
  readCompletionEvidence,
  type AttemptWrite,
  type BatchState,
  type CellKey,
  type ClaimEffect,
  type CellWrite,
  type LessonWrite,
  type StoredCompletionEvidence,
} from "@/lib/db/progress-repository";
import { forgetSessionIdentities } from "@/lib/auth/session-check";
import { RouteError } from "@/lib/http/route";
import { invalidateAnalytics, invalidateCatalogProgress } from "@/lib/cache/app-cache";
import { logger } from "@/lib/http/log";
import { recordSyncBatch } from "@/lib/metrics/metrics";
import {
  defaultLessonIndex,
  completionShortfall,
  unknownKeyErrors,
  type LessonIndex,
} from "./lesson-index";
import {
  clampClientTime,
  mergeCodeMutation,
  mergeLessonMutation,
  mergeRunMutation,
  type ServerCell,
  type ServerLesson,
} from "./merge";
import type { CellSnapshot, IgnoredMutation, SyncBatch, SyncMutation, SyncResult } from "./schemas";
import { isServerChecked, VERIFICATIONS, type Verification } from "./verification";

const MAX_CONFLICT_RETRIES = 8;

export type SyncOptions = {
  /** The server's clock (tests). */
  serverNow?: number;
  /** The lessons and cells sync accepts; the real catalogue by default (tests pass their own). */
  lessons?: LessonIndex;
  /**
   * The request's session token when its session was not read from the database for this
   * request (validatedRoute's `liveness: "handler"`): the batch's first statement checks it is
   * still live and the user's, and nothing is written otherwise (401).
   */
  unverifiedSessionToken?: string;
};

/** The session ended (sign-out, revoked, expired, account deleted) since its owner was checked. */
class SessionEndedError extends RouteError {
  constructor() {
    super(401, "Sign in to save progress to your account.");
  }
}

/** A batch naming lessons or cells the catalogue does not have: 422, nothing applied. */
class SyncRefusedError extends RouteError {
  constructor(fieldErrors: Record<string, string[]>) {
    const first = Object.entries(fieldErrors)[0];
    super(
      422,
      `Unknown lesson or cell${first ? `: ${first[0]}: ${first[1][0] ?? ""}` : ""}`,
      fieldErrors,
    );
  }
}

/**
 * For a route that wants to refuse before anything else (applySyncBatch checks it too): field
 * errors for every mutation whose lesson or cell the catalogue lacks, or null when all are known.
 */
function checkSyncBatchKeys(
  batch: SyncBatch,
  lessons: LessonIndex = defaultLessonIndex(),
): Record<string, string[]> | null {
  const errors = unknownKeyErrors(batch.mutations, lessons);
  return Object.keys(errors).length > 0 ? errors : null;
}

/**
 * Applies a validated batch for the signed-in user. Idempotent: mutation ids already recorded
 * for this user are skipped, so a retried batch (lost response, server restart) changes nothing
 * twice. Ownership: every row is keyed by `userId` from the session, never from the body.
 * Concurrent batches of one learner (two tabs, two devices) are merged optimistically: the
 * commit is guarded by the rows read, and a lost race re-reads and merges again.
 *
 * What the browser cannot decide: a lesson or cell the catalogue lacks is refused (422,
 * SyncRefusedError, nothing applied); a Cypher or Rust `attempt` is acknowledged but not
 * recorded (the server stores its own verdicts, lib/progress/verdicts.ts); a `complete` counts
 * only when the server's records show the lesson done. Mutations acknowledged without effect are
 * listed in `ignored` with the reason, and in `stale` so every outbox version lets go of them.
 */
export async function applySyncBatch(
  userId: string,
  batch: SyncBatch,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const serverNow = options.serverNow ?? Date.now();
  const lessons = options.lessons ?? defaultLessonIndex(serverNow);
  const unknown = checkSyncBatchKeys(batch, lessons);
  if (unknown) throw new SyncRefusedError(unknown);
  const mutations = batch.mutations.map((mutation) => ({
    ...mutation,
    at: clampClientTime(mutation.at, serverNow),
  }));
  // What earlier tries of this request stored before a concurrent batch got in the way: the
  // answer reports those ids as applied (not as duplicates) and their cells as they were written.
  const earlier: PartialCommit = { applied: new Set(), cells: new Map() };
  for (let attempt = 0; ; attempt++) {
    try {
      const result = withEarlier(
        await applyOnce(userId, mutations, lessons, earlier, options.unverifiedSessionToken),
        earlier,
      );
      recordSyncBatch({
        applied: result.applied.length,
        duplicates: result.duplicates.length,
        stale: result.stale.length,
        ignored: result.ignored.length,
      });
      await invalidateCachedReads(userId, mutations, result);
      return result;
    } catch (error) {
      if (!(error instanceof BatchConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
    }
  }
}

/**
 * Before the answer goes out, so the learner's next catalogue view shows what they just did:
 * lesson events change their catalogue summary; attempts, completions and resets change the
 * instructors' figures (a first visit's "started" may show up to the analytics TTL late).
 */
async function invalidateCachedReads(
  userId: string,
  mutations: SyncMutation[],
  result: SyncResult,
): Promise<void> {
  const applied = new Set(result.applied);
  const done = mutations.filter((mutation) => applied.has(mutation.id));
  const jobs: Promise<void>[] = [];
  if (done.some((mutation) => mutation.kind === "lesson"))
    jobs.push(invalidateCatalogProgress(userId));
  if (
    done.some(
      (mutation) =>
        mutation.kind === "attempt" ||
        (mutation.kind === "lesson" && mutation.payload.event !== "visit"),
    )
  )
    jobs.push(invalidateAnalytics());
  try {
    await Promise.all(jobs);
  } catch (error) {
    // The data is committed; cached copies expire within minutes.
    logger.warn({ err: error }, "sync: cache invalidation failed");
  }
}

type PartialCommit = { applied: Set<string>; cells: Map<string, CellSnapshot> };

function withEarlier(result: SyncResult, earlier: PartialCommit): SyncResult {
  if (earlier.applied.size === 0) return result;
  const reported = new Set(result.cells.map((cell) => cellMapKey(cell.lessonKey, cell.cellId)));
  return {
    ...result,
    applied: [...result.applied, ...result.duplicates.filter((id) => earlier.applied.has(id))],
    duplicates: result.duplicates.filter((id) => !earlier.applied.has(id)),
    cells: [
      ...result.cells,
      ...[...earlier.cells].filter(([key]) => !reported.has(key)).map(([, cell]) => cell),
    ],
  };
}

async function applyOnce(
  userId: string,
  mutations: SyncMutation[],
  index: LessonIndex,
  earlier: PartialCommit,
  unverifiedSessionToken: string | undefined,
): Promise<SyncResult> {
  const uniqueIds = [...new Set(mutations.map((mutation) => mutation.id))];
  const cellKeys = new Map<string, CellKey>();
  for (const mutation of mutations) {
    if (mutation.kind === "code" || mutation.kind === "run")
      cellKeys.set(cellMapKey(mutation.lessonKey, mutation.cellId), {
        lessonKey: mutation.lessonKey,
        cellId: mutation.cellId,
      });
  }
  const lessonKeys = [
    ...new Set(
      mutations
        .filter((mutation) => mutation.kind === "lesson")
        .map((mutation) => mutation.lessonKey),
    ),
  ];

  const refuseUnlessLive = (state: BatchState) => {
    if (unverifiedSessionToken === undefined || state.live) return;
    forgetSessionIdentities(unverifiedSessionToken);
    throw new SessionEndedError();
  };
  // Resets first, as their own idempotent statement: the rows read below are then post-reset.
  // They delete, so an unverified session is checked before them (one more round trip, rare).
  const resets = mutations.filter((m) => m.kind === "lesson" && m.payload.event === "reset");
  if (resets.length > 0 && unverifiedSessionToken !== undefined)
    refuseUnlessLive(await readBatchState(userId, [], [], [], unverifiedSessionToken));
  for (const reset of resets) await deleteLessonCellsUpTo(userId, reset.lessonKey, reset.at);

  const state = await readBatchState(
    userId,
    uniqueIds,
    [...cellKeys.values()],
    lessonKeys,
    unverifiedSessionToken,
  );
  refuseUnlessLive(state);
  const fresh = new Set<string>();
  const todo = mutations.filter((mutation) => {
    if (state.seen.has(mutation.id) || fresh.has(mutation.id)) return false;
    fresh.add(mutation.id);
    return true;
  });

  const cells = new Map<string, ServerCell | null>(
    [...cellKeys.keys()].map((key) => [key, state.cells.get(key) ?? null]),
  );
  const lessons = new Map<string, ServerLesson | null>(
    lessonKeys.map((key) => [key, state.lessons.get(key) ?? null]),
  );
  const changedCells = new Set<string>();
  const reportedCells = new Set<string>();
  const changedLessons = new Set<string>();
  const attempts: AttemptWrite[] = [];
  const applied: string[] = [];
  const stale: string[] = [];
  const ignored: IgnoredMutation[] = [];
  const ignore = (id: string, reason: string) => {
    ignored.push({ id, reason });
    stale.push(id);
  };
  const completing = [
    ...new Set(
      todo
        .filter((m) => m.kind === "lesson" && m.payload.event === "complete")
        .map((m) => m.lessonKey),
    ),
  ];
  const evidence = completing.length > 0 ? await readCompletionEvidence(userId, completing) : null;

  for (const mutation of todo) {
    switch (mutation.kind) {
      case "code":
      case "run": {
        const key = cellMapKey(mutation.lessonKey, mutation.cellId);
        const current = cells.get(key) ?? null;
        const result =
          mutation.kind === "code"
            ? mergeCodeMutation(current, mutation)
            : mergeRunMutation(current, mutation);
        reportedCells.add(key);
        if (result.outcome === "applied") {
          applied.push(mutation.id);
          cells.set(key, result.cell);
          changedCells.add(key);
        } else {
          stale.push(mutation.id);
        }
        break;
      }
      case "attempt": {
        const cell = index.get(mutation.lessonKey)?.cells.get(mutation.cellId);
        if (cell?.role !== "exercise") {
          ignore(mutation.id, `'${mutation.cellId}' is not an exercise of '${mutation.lessonKey}'`);
          break;
        }
        if (isServerChecked(cell.kind)) {
          // Old pages and outboxes still send these; refusing would park the learner's other
          // work with them. The server's own verdict (verdicts.ts) is the one that counts.
          ignore(
            mutation.id,
            `${cell.kind} exercises are checked by the server; a result sent by the browser is not recorded`,
          );
          break;
        }
        attempts.push({
          id: mutation.id,
          lessonKey: mutation.lessonKey,
          cellId: mutation.cellId,
          passed: mutation.payload.passed,
          at: mutation.at,
          durationMs: mutation.payload.durationMs,
          errorMessage: mutation.payload.errorMessage ?? null,
        });
        applied.push(mutation.id);
        break;
      }
      case "lesson": {
        if (mutation.payload.event === "complete") {
          const lesson = index.get(mutation.lessonKey);
          const shortfall = lesson
            ? completionShortfall(lesson, evidenceAt(mutation.lessonKey, evidence, attempts, cells))
            : "the lesson is not in the catalogue";
          if (shortfall !== null) {
            ignore(mutation.id, `not marked completed: ${shortfall}`);
            break;
          }
        }
        const result = mergeLessonMutation(lessons.get(mutation.lessonKey) ?? null, mutation);
        lessons.set(mutation.lessonKey, result.lesson);
        changedLessons.add(mutation.lessonKey);
        if (result.resetCellsUpTo !== null) {
          // Cells merged earlier in this batch and not changed after the reset go as well.
          for (const [key, cell] of cells) {
            const last = Math.max(cell?.codeUpdatedAt ?? -Infinity, cell?.lastRunAt ?? -Infinity);
            if (
              cell &&
              key.startsWith(mutation.lessonKey + "\u0000") &&
              last <= result.resetCellsUpTo &&
              !state.cells.has(key)
            ) {
              cells.set(key, null);
              changedCells.delete(key);
              reportedCells.delete(key);
            }
          }
        }
        (result.outcome === "applied" ? applied : stale).push(mutation.id);
        break;
      }
      default: {
        const unreachable: never = mutation;
        throw new Error(`unknown mutation ${JSON.stringify(unreachable)}`);
      }
    }
  }

  const cellWrites: CellWrite[] = [...changedCells].flatMap((key) => {
    const cell = cells.get(key);
    const source = cellKeys.get(key);
    return cell && source ? [{ ...source, cell, expected: state.cells.get(key) ?? null }] : [];
  });
  const lessonWrites: LessonWrite[] = [...changedLessons].flatMap((lessonKey) => {
    const lesson = lessons.get(lessonKey);
    return lesson ? [{ lessonKey, lesson, expected: state.lessons.get(lessonKey) ?? null }] : [];
  });
  const snapshotOf = (key: string): CellSnapshot | null => {
    const cell = cells.get(key);
    const source = cellKeys.get(key);
    return cell && source
      ? {
          ...source,
          version: cell.version,
          code: cell.code,
          lessonCodeHash: cell.lessonCodeHash,
          codeUpdatedAt: cell.codeUpdatedAt,
        }
      : null;
  };
  if (fresh.size > 0) {
    const written = new Set(cellWrites.map((w) => cellMapKey(w.lessonKey, w.cellId)));
    const writtenLessons = new Set(lessonWrites.map((w) => w.lessonKey));
    const recorded = new Set(attempts.map((a) => a.id));
    const appliedIds = new Set(applied);
    const claims: ClaimEffect[] = todo.map((mutation): ClaimEffect => {
      const { id } = mutation;
      if (!appliedIds.has(id)) return { id, kind: "none" };
      if (
        (mutation.kind === "code" || mutation.kind === "run") &&
        written.has(cellMapKey(mutation.lessonKey, mutation.cellId))
      )
        return { id, kind: "cell", lessonKey: mutation.lessonKey, cellId: mutation.cellId };
      if (mutation.kind === "attempt" && recorded.has(id)) return { id, kind: "attempt" };
      if (mutation.kind === "lesson" && writtenLessons.has(mutation.lessonKey))
        return { id, kind: "lesson", lessonKey: mutation.lessonKey };
      return { id, kind: "none" };
    });
    const outcome = await commitBatch(userId, {
      claims,
      cells: cellWrites,
      attempts,
      lessons: lessonWrites,
    });
    if (!outcome.complete) {
      for (const id of outcome.claimed) earlier.applied.add(id);
      for (const { lessonKey, cellId } of outcome.cells) {
        const key = cellMapKey(lessonKey, cellId);
        const snapshot = snapshotOf(key);
        if (snapshot) earlier.cells.set(key, snapshot);
      }
      throw new BatchConflictError(outcome);
    }
  }

  const snapshots: CellSnapshot[] = [...reportedCells].flatMap((key) => {
    const snapshot = snapshotOf(key);
    return snapshot ? [snapshot] : [];
  });
  return {
    applied,
    duplicates: uniqueIds.filter((id) => !fresh.has(id)),
    stale,
    ignored,
    cells: snapshots,
  };
}

/**
 * The server's records for one lesson as they stand at this point of the batch: what was stored
 * before, plus the tfjs passes and runs merged earlier in the same batch (a page sends a check's
 * result before the completion it leads to).
 */
function evidenceAt(
  lessonKey: string,
  stored: StoredCompletionEvidence | null,
  attempts: AttemptWrite[],
  cells: Map<string, ServerCell | null>,
) {
  const passes = new Map<string, Set<Verification>>();
  for (const [cellId, verifications] of stored?.passes.get(lessonKey) ?? []) {
    passes.set(
      cellId,
      new Set(
        [...verifications].filter((v): v is Verification =>
          (VERIFICATIONS as readonly string[]).includes(v),
        ),
      ),
    );
  }
  for (const attempt of attempts) {
    if (attempt.lessonKey === lessonKey && attempt.passed)
      passes.set(attempt.cellId, (passes.get(attempt.cellId) ?? new Set()).add("self-reported"));
  }
  const runOk = new Set(stored?.runOk.get(lessonKey) ?? []);
  const prefix = lessonKey + "\u0000";
  for (const [key, cell] of cells) {
    if (!key.startsWith(prefix)) continue;
    const cellId = key.slice(prefix.length);
    if (cell?.lastRunStatus === "ok") runOk.add(cellId);
    else runOk.delete(cellId);
  }
  return { passes, runOk };
}
