import {
  BatchConflictError,
  cellMapKey,
  commitBatch,
  deleteLessonCellsUpTo,
  readBatchState,
  type AttemptWrite,
  type CellKey,
  type CellWrite,
  type LessonWrite,
} from "@/lib/db/progress-repository";
import { clampClientTime, mergeCodeMutation, mergeLessonMutation, mergeRunMutation, type ServerCell, type ServerLesson } from "./merge";
import type { CellSnapshot, SyncBatch, SyncMutation, SyncResult } from "./schemas";

const MAX_CONFLICT_RETRIES = 8;

/**
 * Applies a validated batch for the signed-in user. Idempotent: mutation ids already recorded
 * for this user are skipped, so a retried batch (lost response, server restart) changes nothing
 * twice. Ownership: every row is keyed by `userId` from the session, never from the body.
 * Concurrent batches of one learner (two tabs, two devices) are merged optimistically: the
 * commit is guarded by the rows read, and a lost race re-reads and merges again.
 */
export async function applySyncBatch(userId: string, batch: SyncBatch, serverNow: number = Date.now()): Promise<SyncResult> {
  const mutations = batch.mutations.map((mutation) => ({ ...mutation, at: clampClientTime(mutation.at, serverNow) }));
  for (let attempt = 0; ; attempt++) {
    try {
      return await applyOnce(userId, mutations);
    } catch (error) {
      if (!(error instanceof BatchConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
    }
  }
}

async function applyOnce(userId: string, mutations: SyncMutation[]): Promise<SyncResult> {
  const uniqueIds = [...new Set(mutations.map((mutation) => mutation.id))];
  const cellKeys = new Map<string, CellKey>();
  for (const mutation of mutations) {
    if (mutation.kind === "code" || mutation.kind === "run") cellKeys.set(cellMapKey(mutation.lessonKey, mutation.cellId), { lessonKey: mutation.lessonKey, cellId: mutation.cellId });
  }
  const lessonKeys = [...new Set(mutations.filter((mutation) => mutation.kind === "lesson").map((mutation) => mutation.lessonKey))];

  // Resets first, as their own idempotent statement: the rows read below are then post-reset.
  for (const mutation of mutations) {
    if (mutation.kind === "lesson" && mutation.payload.event === "reset") await deleteLessonCellsUpTo(userId, mutation.lessonKey, mutation.at);
  }

  const state = await readBatchState(userId, uniqueIds, [...cellKeys.values()], lessonKeys);
  const fresh = new Set<string>();
  const todo = mutations.filter((mutation) => {
    if (state.seen.has(mutation.id) || fresh.has(mutation.id)) return false;
    fresh.add(mutation.id);
    return true;
  });

  const cells = new Map<string, ServerCell | null>([...cellKeys.keys()].map((key) => [key, state.cells.get(key) ?? null]));
  const lessons = new Map<string, ServerLesson | null>(lessonKeys.map((key) => [key, state.lessons.get(key) ?? null]));
  const changedCells = new Set<string>();
  const reportedCells = new Set<string>();
  const changedLessons = new Set<string>();
  const attempts: AttemptWrite[] = [];
  const applied: string[] = [];
  const stale: string[] = [];

  for (const mutation of todo) {
    switch (mutation.kind) {
      case "code":
      case "run": {
        const key = cellMapKey(mutation.lessonKey, mutation.cellId);
        const current = cells.get(key) ?? null;
        const result = mutation.kind === "code" ? mergeCodeMutation(current, mutation) : mergeRunMutation(current, mutation);
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
      case "attempt":
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
      case "lesson": {
        const result = mergeLessonMutation(lessons.get(mutation.lessonKey) ?? null, mutation);
        lessons.set(mutation.lessonKey, result.lesson);
        changedLessons.add(mutation.lessonKey);
        if (result.resetCellsUpTo !== null) {
          // Cells merged earlier in this batch and not changed after the reset go as well.
          for (const [key, cell] of cells) {
            const last = Math.max(cell?.codeUpdatedAt ?? -Infinity, cell?.lastRunAt ?? -Infinity);
            if (cell && key.startsWith(mutation.lessonKey + "\u0000") && last <= result.resetCellsUpTo && !state.cells.has(key)) {
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
  if (fresh.size > 0) await commitBatch(userId, { claimIds: [...fresh], cells: cellWrites, attempts, lessons: lessonWrites });

  const snapshots: CellSnapshot[] = [...reportedCells].flatMap((key) => {
    const cell = cells.get(key);
    const source = cellKeys.get(key);
    return cell && source
      ? [{ ...source, version: cell.version, code: cell.code, lessonCodeHash: cell.lessonCodeHash, codeUpdatedAt: cell.codeUpdatedAt }]
      : [];
  });
  return { applied, duplicates: uniqueIds.filter((id) => !fresh.has(id)), stale, cells: snapshots };
}
