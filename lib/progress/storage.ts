import type { ServerLesson } from "./merge";
import type { RunStatus, SyncMutation } from "./schemas";
import type { StoredOutputs } from "@/lib/notebook/stored-outputs";

// Where the browser keeps progress: the learner's cells (so work survives reloads, outages and
// not being signed in) and the outbox of mutations not yet acknowledged by the server.

/** "anonymous" before sign-in; otherwise the user id. */
export type Owner = string;
export const ANONYMOUS: Owner = "anonymous";

/** A mutation the server refused as invalid: kept for the learner to see, never resent by itself. */
export type ParkedInfo = { at: number; reason: string };
export type OutboxEntry = {
  seq: number;
  owner: Owner;
  mutation: SyncMutation;
  parked?: ParkedInfo;
};

export type LocalCell = {
  owner: Owner;
  lessonKey: string;
  cellId: string;
  /** null: the lesson's own code. */
  code: string | null;
  /** Hash of the lesson code this edit started from. */
  lessonCodeHash: string | null;
  /** The server version this copy is based on (0 = never synced). */
  baseVersion: number;
  codeUpdatedAt: number | null;
  lastRunStatus: RunStatus | null;
  lastRunAt: number | null;
  passed: boolean;
  /** Typed here and kept, but not yet in the outbox (an edit still inside its debounce). */
  dirty?: boolean;
};

/**
 * A cell's last outputs, kept in this browser only (never synced): bounded by the notebook
 * (lib/notebook/stored-outputs.ts) before they get here.
 */
export type LocalOutputs = { owner: Owner; lessonKey: string; cellId: string } & StoredOutputs;

/** Where the learner is in a lesson, kept by the same rules as the server's copy. */
export type LocalLesson = { owner: Owner; lessonKey: string } & ServerLesson;

export type ProgressStorage = {
  addMutation(owner: Owner, mutation: SyncMutation): Promise<void>;
  listMutations(): Promise<OutboxEntry[]>;
  deleteMutations(ids: string[]): Promise<void>;
  /** Marks entries parked (or, with null, back in line to be sent). */
  parkMutations(ids: string[], parked: ParkedInfo | null): Promise<void>;
  /** Re-labels entries (anonymous work adopted by the account that signs in). */
  reassignMutations(from: Owner, to: Owner): Promise<void>;
  getCell(owner: Owner, lessonKey: string, cellId: string): Promise<LocalCell | undefined>;
  putCell(cell: LocalCell): Promise<void>;
  listCells(owner: Owner, lessonKey: string): Promise<LocalCell[]>;
  deleteCell(owner: Owner, lessonKey: string, cellId: string): Promise<void>;
  getLesson(owner: Owner, lessonKey: string): Promise<LocalLesson | undefined>;
  putLesson(lesson: LocalLesson): Promise<void>;
  listLessons(owner: Owner): Promise<LocalLesson[]>;
  deleteLesson(owner: Owner, lessonKey: string): Promise<void>;
  putOutputs(outputs: LocalOutputs): Promise<void>;
  /** The lesson's kept outputs, as stored (the caller parses them: an older app wrote some). */
  listOutputs(owner: Owner, lessonKey: string): Promise<unknown[]>;
  /** One cell's outputs, or with `cellId` null every cell's of the lesson. */
  deleteOutputs(owner: Owner, lessonKey: string, cellId: string | null): Promise<void>;
  /** Everything this browser keeps for `owner`: cells, lessons, outputs and outbox entries. */
  deleteOwner(owner: Owner): Promise<void>;
};

/** In-memory storage: tests, and browsers without IndexedDB (work then lasts for the tab). */
export function createMemoryStorage(): ProgressStorage {
  let seq = 0;
  const outbox = new Map<string, OutboxEntry>();
  const cells = new Map<string, LocalCell>();
  const lessons = new Map<string, LocalLesson>();
  const outputs = new Map<string, LocalOutputs>();
  const key = (owner: Owner, lessonKey: string, cellId: string) =>
    `${owner}\u0000${lessonKey}\u0000${cellId}`;
  return {
    async addMutation(owner, mutation) {
      outbox.set(mutation.id, { seq: ++seq, owner, mutation: structuredClone(mutation) });
    },
    async listMutations() {
      return [...outbox.values()]
        .sort((a, b) => a.seq - b.seq)
        .map((entry) => structuredClone(entry));
    },
    async deleteMutations(ids) {
      for (const id of ids) outbox.delete(id);
    },
    async parkMutations(ids, parked) {
      for (const id of ids) {
        const entry = outbox.get(id);
        if (!entry) continue;
        if (parked) entry.parked = { ...parked };
        else delete entry.parked;
      }
    },
    async reassignMutations(from, to) {
      for (const entry of outbox.values()) if (entry.owner === from) entry.owner = to;
    },
    async getCell(owner, lessonKey, cellId) {
      const cell = cells.get(key(owner, lessonKey, cellId));
      return cell && structuredClone(cell);
    },
    async putCell(cell) {
      cells.set(key(cell.owner, cell.lessonKey, cell.cellId), structuredClone(cell));
    },
    async listCells(owner, lessonKey) {
      return [...cells.values()]
        .filter((cell) => cell.owner === owner && cell.lessonKey === lessonKey)
        .map((cell) => structuredClone(cell));
    },
    async deleteCell(owner, lessonKey, cellId) {
      cells.delete(key(owner, lessonKey, cellId));
    },
    async getLesson(owner, lessonKey) {
      const lesson = lessons.get(key(owner, lessonKey, ""));
      return lesson && structuredClone(lesson);
    },
    async putLesson(lesson) {
      lessons.set(key(lesson.owner, lesson.lessonKey, ""), structuredClone(lesson));
    },
    async listLessons(owner) {
      return [...lessons.values()]
        .filter((lesson) => lesson.owner === owner)
        .map((lesson) => structuredClone(lesson));
    },
    async deleteLesson(owner, lessonKey) {
      lessons.delete(key(owner, lessonKey, ""));
    },
    async putOutputs(record) {
      outputs.set(key(record.owner, record.lessonKey, record.cellId), structuredClone(record));
    },
    async listOutputs(owner, lessonKey) {
      return [...outputs.values()]
        .filter((record) => record.owner === owner && record.lessonKey === lessonKey)
        .map((record) => structuredClone(record));
    },
    async deleteOutputs(owner, lessonKey, cellId) {
      for (const [k, record] of outputs)
        if (
          record.owner === owner &&
          record.lessonKey === lessonKey &&
          (cellId === null || record.cellId === cellId)
        )
          outputs.delete(k);
    },
    async deleteOwner(owner) {
      for (const [id, entry] of outbox) if (entry.owner === owner) outbox.delete(id);
      for (const map of [cells, lessons, outputs])
        for (const [k, value] of map) if (value.owner === owner) map.delete(k);
    },
  };
}
