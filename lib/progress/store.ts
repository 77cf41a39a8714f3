import { hashLessonCode } from "./hash";
import { decideCellCode, mergeLessonMutation, pickLessonSummary } from "./merge";
import type { Outbox, SyncStatus } from "./outbox";
import type { CellProgressDto, LessonProgressDto } from "./dto";
import {
  MAX_ERROR_CHARS,
  type CodeMutation,
  type LessonMutation,
  type RunStatus,
  type SyncMutation,
} from "./schemas";
import { truncateText } from "./text";
import { ANONYMOUS, type LocalCell, type Owner, type ProgressStorage } from "./storage";
import {
  boundOutputsForStorage,
  parseStoredOutputs,
  type StoredOutputs,
} from "@/lib/notebook/stored-outputs";
import type { CellOutput } from "@/lib/notebook/types";

// One lesson's progress in the browser: what the notebook calls. Every change is written to
// local storage and the outbox at once (nothing waits for the network); load() merges the
// server's copy with local work that has not reached it yet.

type LoadedCell = {
  /** The code to show; null means the lesson's own code. */
  code: string | null;
  status: RunStatus | null;
  passed: boolean;
  /** The instructor changed this cell's code after the learner edited it: ask which to keep. */
  conflict?: { learnerCode: string; lessonCode: string };
};

export type LoadedLesson = {
  cells: Record<string, LoadedCell>;
  lastCellId: string | null;
  completed: boolean;
  /** Each cell's last outputs kept in this browser (never on the server). */
  outputs?: Record<string, StoredOutputs>;
  /** "local": the server could not be asked (offline or not signed in). */
  source: "server" | "local";
};

export type ProgressStore = {
  load(): Promise<LoadedLesson>;
  saveCode(cellId: string, code: string): void;
  recordRun(cellId: string, status: RunStatus, durationMs: number, errorMessage?: string): void;
  recordAttempt(cellId: string, passed: boolean, durationMs: number, errorMessage?: string): void;
  /** A pass the server checked and recorded itself (Cypher, Rust): kept here, never sent. */
  notePassedLocally(cellId: string): void;
  setLastCell(cellId: string): void;
  /** Keeps a finished run's outputs in this browser only (bounded; never sent). */
  saveOutputs(cellId: string, outputs: readonly CellOutput[]): void;
  /** Resolves once the completion is kept in this browser (and queued for the server). */
  markCompleted(): Promise<void>;
  resetCell(cellId: string): void;
  resetLesson(): void;
  resolveConflict(cellId: string, choice: "mine" | "lesson"): void;
  /** Writes debounced edits to the outbox now (before the page is hidden or left). */
  commitEdits(): Promise<void>;
  flush(): Promise<void>;
  getStatus(): SyncStatus;
  subscribe(listener: (status: SyncStatus) => void): () => void;
  dispose(): void;
  /** `userId` signed out and their local copy is being deleted: drop pending edits, write nothing more. */
  discardFor(userId: string): Promise<void>;
};

export type ProgressStoreOptions = {
  lessonKey: string;
  /** cellId → the lesson's own code for that cell (hashed to detect instructor changes). */
  lessonCode: Record<string, string>;
  /**
   * The signed-in user's id, or null for an anonymous learner — or a promise of it, so the
   * store can be created (and take edits) before the session is known.
   */
  userId: string | null | Promise<string | null>;
  outbox: Outbox;
  storage: ProgressStorage;
  /** Loads the server's copy; null when it cannot (offline). */
  fetchProgress: (lessonKey: string) => Promise<LessonProgressDto | null>;
  editDebounceMs?: number;
  now?: () => number;
  newId?: () => string;
};

export function createProgressStore(options: ProgressStoreOptions): ProgressStore {
  const { lessonKey, outbox, storage } = options;
  const now = options.now ?? (() => Date.now());
  const newId = options.newId ?? (() => crypto.randomUUID());
  const debounceMs = options.editDebounceMs ?? 400;
  const hashes = Object.fromEntries(
    Object.entries(options.lessonCode).map(([cellId, code]) => [cellId, hashLessonCode(code)]),
  );
  // Every use of `owner` runs after `ready` (the serial queue and load() wait for it).
  let owner: Owner = ANONYMOUS;
  const ready = Promise.resolve(options.userId)
    .catch(() => null)
    .then(async (userId) => {
      owner = userId ?? ANONYMOUS;
      await outbox.setOwner(userId);
    });
  type PendingEdit = {
    code: string | null;
    at: number;
    timer: ReturnType<typeof setTimeout> | null;
    hash?: string;
    /** Keeps the indicator off `saved` until this edit is in the outbox (one per cell). */
    release: () => void;
  };
  const edits = new Map<string, PendingEdit>();
  let queue: Promise<unknown> = ready;
  let lastCell: string | null = null;

  // Changes are applied in order, one after another, so local cells and the outbox agree.
  // Set when the learner signed out and this browser's copy of their work was deleted: a store
  // still open for them (a page not yet updated) must not write it back.
  let discarded = false;
  const serial = (work: () => Promise<unknown>): Promise<void> => {
    const guarded = () => (discarded ? undefined : work());
    queue = queue
      .then(guarded, guarded)
      .catch((error) => console.error("[progress] could not save locally:", error));
    return queue.then(() => undefined);
  };

  const blankCell = (cellId: string): LocalCell => ({
    owner,
    lessonKey,
    cellId,
    code: null,
    lessonCodeHash: null,
    baseVersion: 0,
    codeUpdatedAt: null,
    lastRunStatus: null,
    lastRunAt: null,
    passed: false,
  });

  // The hash of the lesson code this work started from: kept across edits, set on the first.
  const baseHash = (cell: LocalCell) =>
    cell.code === null || cell.lessonCodeHash === null
      ? (hashes[cell.cellId] ?? "unknown")
      : cell.lessonCodeHash;

  const enqueue = async (mutation: SyncMutation) => {
    await outbox.enqueue(mutation, owner);
    void outbox.flush();
  };

  // A change that will reach the outbox holds the indicator on `saving` from the moment it is
  // made, not from the moment the (possibly slow) local write gets to it.
  const held = (work: () => Promise<unknown>): Promise<void> => {
    const release = outbox.hold();
    return serial(work).finally(release);
  };

  const codeWrite =
    (cellId: string, code: string | null, at: number, hashOverride?: string) => async () => {
      const { dirty: _written, ...cell } =
        (await storage.getCell(owner, lessonKey, cellId)) ?? blankCell(cellId);
      const lessonCodeHash = hashOverride ?? baseHash(cell);
      await storage.putCell({ ...cell, code, lessonCodeHash, codeUpdatedAt: at });
      const mutation: CodeMutation = {
        id: newId(),
        kind: "code",
        lessonKey,
        cellId,
        clientVersion: cell.baseVersion,
        at,
        payload: { code, lessonCodeHash },
      };
      await enqueue(mutation);
    };
  const writeCode = (cellId: string, code: string | null, at: number, hashOverride?: string) =>
    held(codeWrite(cellId, code, at, hashOverride));

  const commitEdit = (cellId: string) => {
    const edit = edits.get(cellId);
    if (!edit) return Promise.resolve();
    if (edit.timer) clearTimeout(edit.timer);
    edits.delete(cellId);
    // The edit's own hold covers the write: one change, counted once.
    return serial(codeWrite(cellId, edit.code, edit.at, edit.hash)).finally(edit.release);
  };

  // An edit replaced by a reset or a conflict choice: that write is what reaches the outbox.
  const dropEdit = (cellId: string) => {
    const edit = edits.get(cellId);
    if (!edit) return;
    if (edit.timer) clearTimeout(edit.timer);
    edits.delete(cellId);
    edit.release();
  };

  const simple = (
    mutation: Omit<SyncMutation, "id" | "lessonKey" | "clientVersion" | "at">,
    update?: (cell: LocalCell) => LocalCell,
  ) =>
    held(async () => {
      const at = now();
      if (update) {
        const cell =
          (await storage.getCell(owner, lessonKey, mutation.cellId)) ?? blankCell(mutation.cellId);
        await storage.putCell(update(cell));
      }
      await enqueue({ ...mutation, id: newId(), lessonKey, clientVersion: 0, at } as SyncMutation);
    });

  const firstCell = Object.keys(options.lessonCode)[0] ?? "lesson";

  // Visits, completion and reset: the same merge rules as the server, on this browser's copy.
  const lessonEvent = (cellId: string, event: LessonMutation["payload"]["event"]) =>
    held(async () => {
      const mutation: LessonMutation = {
        id: newId(),
        kind: "lesson",
        lessonKey,
        cellId,
        clientVersion: 0,
        at: now(),
        payload: { event },
      };
      const local = await storage.getLesson(owner, lessonKey);
      await storage.putLesson({
        owner,
        lessonKey,
        ...mergeLessonMutation(local ?? null, mutation).lesson,
      });
      await enqueue(mutation);
    });

  const mergeCell = (
    local: LocalCell | undefined,
    server: CellProgressDto | undefined,
    pendingCode: boolean,
  ): LocalCell | undefined => {
    if (!server) return local;
    const fromServer: LocalCell = {
      owner,
      lessonKey,
      cellId: server.cellId,
      code: server.code,
      lessonCodeHash: server.lessonCodeHash,
      baseVersion: server.version,
      codeUpdatedAt: server.codeUpdatedAt,
      lastRunStatus: (server.lastRunStatus as RunStatus | null) ?? null,
      lastRunAt: server.lastRunAt,
      passed: local?.passed ?? false,
    };
    if (!local) return fromServer;
    // Work not yet acknowledged stays; otherwise the server holds the latest of all devices.
    const code = pendingCode
      ? {
          code: local.code,
          lessonCodeHash: local.lessonCodeHash,
          codeUpdatedAt: local.codeUpdatedAt,
        }
      : {};
    const newerRun = (local.lastRunAt ?? -Infinity) > (server.lastRunAt ?? -Infinity);
    return {
      ...fromServer,
      ...code,
      baseVersion: Math.max(local.baseVersion, server.version),
      ...(newerRun ? { lastRunStatus: local.lastRunStatus, lastRunAt: local.lastRunAt } : {}),
    };
  };

  return {
    async load() {
      await ready;
      await queue;
      // Work done before signing in joins the account.
      if (owner !== ANONYMOUS) {
        for (const cell of await storage.listCells(ANONYMOUS, lessonKey)) {
          const mine = await storage.getCell(owner, lessonKey, cell.cellId);
          if (!mine || (cell.codeUpdatedAt ?? 0) > (mine.codeUpdatedAt ?? 0))
            await storage.putCell({ ...cell, owner });
          await storage.deleteCell(ANONYMOUS, lessonKey, cell.cellId);
        }
        const anonymousLesson = await storage.getLesson(ANONYMOUS, lessonKey);
        if (anonymousLesson) {
          const mine = await storage.getLesson(owner, lessonKey);
          if (!mine || anonymousLesson.lastVisitAt > mine.lastVisitAt)
            await storage.putLesson({ ...anonymousLesson, owner });
          await storage.deleteLesson(ANONYMOUS, lessonKey);
        }
        for (const record of await storage.listOutputs(ANONYMOUS, lessonKey)) {
          const parsed = parseStoredOutputs(record);
          const cellId = (record as { cellId?: unknown }).cellId;
          if (parsed && typeof cellId === "string")
            await storage.putOutputs({ ...parsed, owner, lessonKey, cellId });
        }
        await storage.deleteOutputs(ANONYMOUS, lessonKey, null);
      }
      // An edit kept locally whose debounce never ended (the page closed): it goes out now.
      for (const cell of await storage.listCells(owner, lessonKey)) {
        if (cell.dirty && !edits.has(cell.cellId))
          void writeCode(
            cell.cellId,
            cell.code,
            cell.codeUpdatedAt ?? now(),
            cell.lessonCodeHash ?? undefined,
          );
      }
      await queue;
      const server =
        owner === ANONYMOUS ? null : await options.fetchProgress(lessonKey).catch(() => null);
      const pending = await outbox.pending();
      const pendingCode = new Set(
        pending.filter((m) => m.kind === "code" && m.lessonKey === lessonKey).map((m) => m.cellId),
      );
      const pendingReset = pending.some(
        (m) => m.kind === "lesson" && m.lessonKey === lessonKey && m.payload.event === "reset",
      );
      const locals = new Map(
        (await storage.listCells(owner, lessonKey)).map((cell) => [cell.cellId, cell]),
      );
      const serverCells = new Map(
        (pendingReset ? [] : (server?.cells ?? [])).map((cell) => [cell.cellId, cell]),
      );
      const passed = new Set(
        (server?.exercises ?? [])
          .filter((exercise) => exercise.passed)
          .map((exercise) => exercise.cellId),
      );
      const cells: Record<string, LoadedCell> = {};
      for (const cellId of new Set([...locals.keys(), ...serverCells.keys()])) {
        const merged = mergeCell(
          locals.get(cellId),
          serverCells.get(cellId),
          pendingCode.has(cellId),
        );
        if (!merged) continue;
        if (passed.has(cellId)) merged.passed = true;
        await storage.putCell(merged);
        const lessonCode = options.lessonCode[cellId];
        const decision =
          lessonCode === undefined
            ? { kind: "learner" as const }
            : decideCellCode({
                learnerCode: merged.code,
                learnerBaseHash: merged.lessonCodeHash,
                lessonCode,
                lessonHash: hashes[cellId] ?? "",
              });
        cells[cellId] = {
          code: decision.kind === "lesson" ? null : merged.code,
          status: merged.lastRunStatus,
          passed: merged.passed,
          ...(decision.kind === "conflict"
            ? { conflict: { learnerCode: decision.learnerCode, lessonCode: decision.lessonCode } }
            : {}),
        };
      }
      const pendingLesson = pending.some((m) => m.kind === "lesson" && m.lessonKey === lessonKey);
      const lesson = pickLessonSummary(
        await storage.getLesson(owner, lessonKey),
        server?.lesson,
        pendingLesson,
      );
      if (lesson) await storage.putLesson({ ...lesson, owner, lessonKey });
      lastCell = lesson?.lastCellId ?? null;
      const outputs: Record<string, StoredOutputs> = {};
      for (const record of await storage.listOutputs(owner, lessonKey)) {
        const parsed = parseStoredOutputs(record);
        const cellId = (record as { cellId?: unknown }).cellId;
        if (parsed && typeof cellId === "string") outputs[cellId] = parsed;
      }
      return {
        cells,
        lastCellId: lastCell,
        completed: lesson?.completedAt != null,
        outputs,
        source: server ? "server" : "local",
      };
    },

    saveCode(cellId, code) {
      const previous = edits.get(cellId);
      if (previous?.timer) clearTimeout(previous.timer);
      const edit: PendingEdit = {
        code,
        at: now(),
        timer: null,
        release: previous?.release ?? outbox.hold(),
      };
      edit.timer = setTimeout(() => void commitEdit(cellId), debounceMs);
      edits.set(cellId, edit);
      // Kept locally at once (a reload inside the debounce loses nothing); the outbox gets it
      // when typing pauses. Keystrokes that queue up are written once, the latest.
      void serial(async () => {
        if (edits.get(cellId) !== edit) return;
        const cell = (await storage.getCell(owner, lessonKey, cellId)) ?? blankCell(cellId);
        await storage.putCell({
          ...cell,
          code,
          lessonCodeHash: baseHash(cell),
          codeUpdatedAt: edit.at,
          dirty: true,
        });
      });
    },

    recordRun(cellId, status, durationMs, errorMessage) {
      void commitEdit(cellId);
      void simple(
        {
          kind: "run",
          cellId,
          payload: {
            status,
            durationMs: Math.max(0, Math.round(durationMs)),
            ...(errorMessage ? { errorMessage: truncateText(errorMessage, MAX_ERROR_CHARS) } : {}),
          },
        },
        (cell) => ({ ...cell, lastRunStatus: status, lastRunAt: now() }),
      );
    },

    recordAttempt(cellId, passed, durationMs, errorMessage) {
      void simple(
        {
          kind: "attempt",
          cellId,
          payload: {
            passed,
            durationMs: Math.max(0, Math.round(durationMs)),
            ...(errorMessage ? { errorMessage: truncateText(errorMessage, MAX_ERROR_CHARS) } : {}),
          },
        },
        (cell) => ({ ...cell, passed: cell.passed || passed }),
      );
    },

    notePassedLocally(cellId) {
      void serial(async () => {
        const cell = (await storage.getCell(owner, lessonKey, cellId)) ?? blankCell(cellId);
        await storage.putCell({ ...cell, passed: true });
      });
    },

    setLastCell(cellId) {
      if (cellId === lastCell) return;
      lastCell = cellId;
      void lessonEvent(cellId, "visit");
    },

    saveOutputs(cellId, outputs) {
      const savedAt = now();
      const bounded = boundOutputsForStorage(outputs);
      void serial(() => storage.putOutputs({ owner, lessonKey, cellId, savedAt, ...bounded }));
    },

    markCompleted() {
      return lessonEvent(lastCell ?? firstCell, "complete");
    },

    resetCell(cellId) {
      dropEdit(cellId);
      void serial(() => storage.deleteOutputs(owner, lessonKey, cellId));
      void writeCode(cellId, null, now(), hashes[cellId]);
    },

    resetLesson() {
      for (const cellId of [...edits.keys()]) dropEdit(cellId);
      void serial(async () => {
        for (const cell of await storage.listCells(owner, lessonKey))
          await storage.deleteCell(owner, lessonKey, cell.cellId);
        await storage.deleteOutputs(owner, lessonKey, null);
      });
      void lessonEvent(lastCell ?? firstCell, "reset");
      lastCell = null;
    },

    resolveConflict(cellId, choice) {
      void held(async () => {
        const cell = await storage.getCell(owner, lessonKey, cellId);
        // "mine": keep the code but acknowledge the new lesson version, so it is not asked again.
        const code = choice === "mine" ? (cell?.code ?? null) : null;
        dropEdit(cellId);
        void writeCode(cellId, code, now(), hashes[cellId]);
      });
    },

    async commitEdits() {
      await Promise.all([...edits.keys()].map((cellId) => commitEdit(cellId)));
      await queue;
    },

    async flush() {
      await this.commitEdits();
      await outbox.flush();
    },

    getStatus: () => outbox.getStatus(),
    subscribe: (listener) => outbox.subscribe(listener),

    dispose() {
      void this.commitEdits();
    },

    async discardFor(userId) {
      await ready;
      if (owner !== userId) return;
      discarded = true;
      for (const cellId of [...edits.keys()]) dropEdit(cellId);
      await queue;
    },
  };
}
