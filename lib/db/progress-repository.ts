import type { ServerCell, ServerLesson } from "@/lib/progress/merge";
import { getPrisma, retryOnConnectionLoss, withTransaction } from "./client";

// Progress storage for sync batches. A batch costs two statements and no Prisma interactive
// transaction (those cost ~5x a plain query here — measured):
//   1. readBatchState: which mutation ids were seen, and the current rows the batch touches;
//   2. commitBatch: ONE statement, in a raw BEGIN/COMMIT, that claims the new mutation ids and
//      writes every row, guarded by the values read in step 1 (optimistic concurrency). It
//      returns how many rows each part wrote; if another batch of the same learner changed a
//      row or claimed an id in between, a count falls short, the transaction is rolled back
//      and the caller re-reads and merges again.
// Times are epoch milliseconds; columns are Prisma's TIMESTAMP(3) holding UTC.

export type CellKey = { lessonKey: string; cellId: string };
export type CellWrite = CellKey & { cell: ServerCell; expected: ServerCell | null };
export type AttemptWrite = { id: string; lessonKey: string; cellId: string; passed: boolean; at: number; durationMs: number; errorMessage: string | null };
export type LessonWrite = { lessonKey: string; lesson: ServerLesson; expected: ServerLesson | null };
export type BatchState = { seen: Set<string>; cells: Map<string, ServerCell>; lessons: Map<string, ServerLesson> };
export type BatchCommit = { claimIds: string[]; cells: CellWrite[]; attempts: AttemptWrite[]; lessons: LessonWrite[] };

/** Thrown when the optimistic guard failed: re-read and merge again. */
export class BatchConflictError extends Error {
  constructor() {
    super("progress rows changed concurrently");
  }
}

export function cellMapKey(lessonKey: string, cellId: string): string {
  return `${lessonKey}\u0000${cellId}`;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const epochMs = (column: string) => `(EXTRACT(EPOCH FROM "${column}") * 1000)::bigint`;

type StateRow = { k: "seen" | "cell" | "lesson"; v: unknown };

function asObject(value: unknown): Record<string, unknown> {
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
}
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export async function readBatchState(userId: string, ids: string[], cellKeys: CellKey[], lessonKeys: string[]): Promise<BatchState> {
  const rows = await getPrisma().$queryRawUnsafe<StateRow[]>(
    `SELECT 'seen' AS k, to_json("id"::text) AS v FROM "sync_mutation" WHERE "userId" = $1 AND "id" = ANY($2::uuid[])
     UNION ALL
     SELECT 'cell', json_build_object('lessonKey', "lessonKey", 'cellId', "cellId", 'code', "code", 'version', "version",
              'lessonCodeHash', "lessonCodeHash", 'codeUpdatedAt', ${epochMs("codeUpdatedAt")}, 'lastRunStatus', "lastRunStatus",
              'lastRunAt', ${epochMs("lastRunAt")}, 'lastRunDurationMs', "lastRunDurationMs", 'lastRunError', "lastRunError")
       FROM "cell_state" WHERE "userId" = $1 AND ("lessonKey", "cellId") IN (SELECT * FROM unnest($3::text[], $4::text[]))
     UNION ALL
     SELECT 'lesson', json_build_object('lessonKey', "lessonKey", 'startedAt', ${epochMs("startedAt")}, 'completedAt', ${epochMs("completedAt")},
              'lastCellId', "lastCellId", 'lastVisitAt', ${epochMs("lastVisitAt")})
       FROM "lesson_progress" WHERE "userId" = $1 AND "lessonKey" = ANY($5::text[])`,
    userId,
    ids,
    cellKeys.map((key) => key.lessonKey),
    cellKeys.map((key) => key.cellId),
    lessonKeys,
  );
  const state: BatchState = { seen: new Set(), cells: new Map(), lessons: new Map() };
  for (const row of rows) {
    if (row.k === "seen") {
      state.seen.add(String(typeof row.v === "string" && row.v.startsWith('"') ? JSON.parse(row.v) : row.v));
    } else if (row.k === "cell") {
      const v = asObject(row.v);
      state.cells.set(cellMapKey(String(v.lessonKey), String(v.cellId)), {
        code: str(v.code),
        version: Number(v.version),
        lessonCodeHash: str(v.lessonCodeHash),
        codeUpdatedAt: num(v.codeUpdatedAt),
        lastRunStatus: str(v.lastRunStatus),
        lastRunAt: num(v.lastRunAt),
        lastRunDurationMs: num(v.lastRunDurationMs),
        lastRunError: str(v.lastRunError),
      });
    } else {
      const v = asObject(row.v);
      state.lessons.set(String(v.lessonKey), {
        startedAt: Number(v.startedAt),
        completedAt: num(v.completedAt),
        lastCellId: str(v.lastCellId),
        lastVisitAt: Number(v.lastVisitAt),
      });
    }
  }
  return state;
}

/** Deletes a lesson's cells last changed at or before `upTo` (reset lesson). Idempotent. */
export async function deleteLessonCellsUpTo(userId: string, lessonKey: string, upTo: number): Promise<void> {
  await retryOnConnectionLoss(() =>
    getPrisma().$executeRawUnsafe(
    `DELETE FROM "cell_state" WHERE "userId" = $1 AND "lessonKey" = $2
       AND COALESCE(GREATEST("codeUpdatedAt", "lastRunAt"), '-infinity') <= $3::timestamp`,
      userId,
      lessonKey,
      iso(upTo),
    ),
  );
}

const CELL_COLUMNS = `"code", "version", "lessonCodeHash", "codeUpdatedAt", "lastRunStatus", "lastRunAt", "lastRunDurationMs", "lastRunError"`;
const CELL_RECORD = `lk text, cid text, code text, version int, hash text, cu timestamp, rs text, ra timestamp, rd int, re text`;
const LESSON_RECORD = `lk text, sa timestamp, ca timestamp, lc text, lv timestamp`;

// Rows travel as one JSON parameter per kind (jsonb_to_recordset): measured here, half the
// latency of passing ~50 typed arrays. ISO times ending in Z cast to UTC TIMESTAMP values.
const cellRecord = (w: CellWrite) => ({
  lk: w.lessonKey,
  cid: w.cellId,
  code: w.cell.code,
  version: w.cell.version,
  hash: w.cell.lessonCodeHash,
  cu: iso(w.cell.codeUpdatedAt),
  rs: w.cell.lastRunStatus,
  ra: iso(w.cell.lastRunAt),
  rd: w.cell.lastRunDurationMs,
  re: w.cell.lastRunError,
});
const lessonRecord = (w: LessonWrite) => ({ lk: w.lessonKey, sa: iso(w.lesson.startedAt), ca: iso(w.lesson.completedAt), lc: w.lesson.lastCellId, lv: iso(w.lesson.lastVisitAt) });

export async function commitBatch(userId: string, commit: BatchCommit): Promise<void> {
  const updates = commit.cells.filter((w) => w.expected !== null);
  const inserts = commit.cells.filter((w) => w.expected === null);
  const lessonUpdates = commit.lessons.filter((w) => w.expected !== null);
  const lessonInserts = commit.lessons.filter((w) => w.expected === null);
  const params: unknown[] = [
    userId, // $1
    commit.claimIds, // $2
    JSON.stringify(updates.map((w) => ({ ...cellRecord(w), ev: w.expected?.version ?? 0, ecu: iso(w.expected?.codeUpdatedAt ?? null), era: iso(w.expected?.lastRunAt ?? null) }))), // $3
    JSON.stringify(inserts.map(cellRecord)), // $4
    JSON.stringify(commit.attempts.map((a) => ({ id: a.id, lk: a.lessonKey, cid: a.cellId, passed: a.passed, at: iso(a.at), dur: a.durationMs, err: a.errorMessage }))), // $5
    JSON.stringify(lessonUpdates.map((w) => ({ ...lessonRecord(w), esa: iso(w.expected?.startedAt ?? null), eca: iso(w.expected?.completedAt ?? null), elv: iso(w.expected?.lastVisitAt ?? null) }))), // $6
    JSON.stringify(lessonInserts.map(lessonRecord)), // $7
  ];
  const now = `now() AT TIME ZONE 'UTC'`;
  // Inside a transaction so that a shortfall can be rolled back; compared here, not by making
  // the statement fail: a failing statement used to cost the embedded database its only
  // connection, and other learners their requests. Safe to run again after a lost connection:
  // if the first try committed, the ids are claimed and the guard reports a conflict.
  await withTransaction(
    async (client) => {
      const { rows } = await client.query<Record<"claimed" | "updated" | "inserted" | "lessons_updated" | "lessons_inserted", string>>(
        `WITH
       claimed AS (
         INSERT INTO "sync_mutation" ("userId", "id") SELECT $1, unnest($2::uuid[])
         ON CONFLICT ("userId", "id") DO NOTHING RETURNING 1),
       updated AS (
         UPDATE "cell_state" AS c SET ("code", "version", "lessonCodeHash", "codeUpdatedAt", "lastRunStatus", "lastRunAt", "lastRunDurationMs", "lastRunError", "updatedAt")
           = (t.code, t.version, t.hash, t.cu, t.rs, t.ra, t.rd, t.re, ${now})
         FROM jsonb_to_recordset($3::jsonb) AS t(${CELL_RECORD}, ev int, ecu timestamp, era timestamp)
         WHERE c."userId" = $1 AND c."lessonKey" = t.lk AND c."cellId" = t.cid AND c."version" = t.ev
           AND c."codeUpdatedAt" IS NOT DISTINCT FROM t.ecu AND c."lastRunAt" IS NOT DISTINCT FROM t.era
         RETURNING 1),
       inserted AS (
         INSERT INTO "cell_state" ("userId", "lessonKey", "cellId", ${CELL_COLUMNS}, "updatedAt")
         SELECT $1, t.lk, t.cid, t.code, t.version, t.hash, t.cu, t.rs, t.ra, t.rd, t.re, ${now}
         FROM jsonb_to_recordset($4::jsonb) AS t(${CELL_RECORD})
         ON CONFLICT ("userId", "lessonKey", "cellId") DO NOTHING RETURNING 1),
       attempts AS (
         INSERT INTO "exercise_attempt" ("userId", "id", "lessonKey", "cellId", "passed", "at", "durationMs", "errorMessage")
         SELECT $1, t.id, t.lk, t.cid, t.passed, t.at, t.dur, t.err
         FROM jsonb_to_recordset($5::jsonb) AS t(id uuid, lk text, cid text, passed boolean, at timestamp, dur int, err text)
         ON CONFLICT ("userId", "id") DO NOTHING RETURNING 1),
       lessons_updated AS (
         UPDATE "lesson_progress" AS l SET ("startedAt", "completedAt", "lastCellId", "lastVisitAt", "updatedAt")
           = (t.sa, t.ca, t.lc, t.lv, ${now})
         FROM jsonb_to_recordset($6::jsonb) AS t(${LESSON_RECORD}, esa timestamp, eca timestamp, elv timestamp)
         WHERE l."userId" = $1 AND l."lessonKey" = t.lk AND l."startedAt" = t.esa
           AND l."completedAt" IS NOT DISTINCT FROM t.eca AND l."lastVisitAt" = t.elv
         RETURNING 1),
       lessons_inserted AS (
         INSERT INTO "lesson_progress" ("userId", "lessonKey", "startedAt", "completedAt", "lastCellId", "lastVisitAt", "updatedAt")
         SELECT $1, t.lk, t.sa, t.ca, t.lc, t.lv, ${now}
         FROM jsonb_to_recordset($7::jsonb) AS t(${LESSON_RECORD})
         ON CONFLICT ("userId", "lessonKey") DO NOTHING RETURNING 1)
       SELECT (SELECT count(*) FROM claimed) AS claimed, (SELECT count(*) FROM updated) AS updated,
              (SELECT count(*) FROM inserted) AS inserted, (SELECT count(*) FROM lessons_updated) AS lessons_updated,
              (SELECT count(*) FROM lessons_inserted) AS lessons_inserted, (SELECT count(*) FROM attempts) AS attempts`,
        params,
      );
      const counts = rows[0];
      const expected = { claimed: commit.claimIds.length, updated: updates.length, inserted: inserts.length, lessons_updated: lessonUpdates.length, lessons_inserted: lessonInserts.length };
      // Any shortfall means a concurrent batch got there first: undo it all (the throw rolls back).
      if (!counts || Object.entries(expected).some(([key, n]) => Number(counts[key as keyof typeof expected]) !== n)) throw new BatchConflictError();
    },
    { retryOnConnectionLoss: true },
  );
}

/**
 * Forgets applied mutation ids older than `olderThanMs`. Ids only need to outlive the longest
 * time a browser might hold an unacknowledged batch; the start-up prunes at 180 days.
 */
export async function pruneSyncMutations(olderThanMs: number): Promise<number> {
  return getPrisma().$executeRawUnsafe(`DELETE FROM "sync_mutation" WHERE "appliedAt" < $1::timestamp`, iso(Date.now() - olderThanMs));
}

// ---- exercise verdicts and completion evidence (lib/progress/verdicts.ts, server.ts) ----

export type ServerAttemptWrite = { id: string; lessonKey: string; cellId: string; passed: boolean; at: number; durationMs: number; errorMessage: string | null };

/** Stores a verdict the server computed itself (Cypher, Rust checks): `verification = server`. */
export async function insertServerAttempt(userId: string, attempt: ServerAttemptWrite): Promise<void> {
  await getPrisma().$executeRawUnsafe(
    `INSERT INTO "exercise_attempt" ("userId", "id", "lessonKey", "cellId", "passed", "at", "durationMs", "errorMessage", "verification")
     VALUES ($1, $2::uuid, $3, $4, $5, $6::timestamp, $7, $8, 'server')`,
    userId,
    attempt.id,
    attempt.lessonKey,
    attempt.cellId,
    attempt.passed,
    iso(attempt.at),
    attempt.durationMs,
    attempt.errorMessage,
  );
}

export type StoredCompletionEvidence = { passes: Map<string, Map<string, Set<string>>>; runOk: Map<string, Set<string>> };

/**
 * For the lessons a batch wants to mark completed: which exercises have passing attempts (and
 * who vouched for them) and which cells last ran without an error. One statement; only batches
 * with a `complete` event pay for it.
 */
export async function readCompletionEvidence(userId: string, lessonKeys: string[]): Promise<StoredCompletionEvidence> {
  const rows = await getPrisma().$queryRawUnsafe<{ k: "pass" | "ok"; l: string; c: string; v: string | null }[]>(
    `SELECT DISTINCT 'pass' AS k, "lessonKey" AS l, "cellId" AS c, "verification"::text AS v
       FROM "exercise_attempt" WHERE "userId" = $1 AND "lessonKey" = ANY($2::text[]) AND "passed"
     UNION ALL
     SELECT 'ok', "lessonKey", "cellId", NULL
       FROM "cell_state" WHERE "userId" = $1 AND "lessonKey" = ANY($2::text[]) AND "lastRunStatus" = 'ok'`,
    userId,
    lessonKeys,
  );
  const evidence: StoredCompletionEvidence = { passes: new Map(), runOk: new Map() };
  for (const row of rows) {
    if (row.k === "pass") {
      const lesson = evidence.passes.get(row.l) ?? new Map<string, Set<string>>();
      evidence.passes.set(row.l, lesson);
      lesson.set(row.c, (lesson.get(row.c) ?? new Set()).add(String(row.v)));
    } else {
      evidence.runOk.set(row.l, (evidence.runOk.get(row.l) ?? new Set()).add(row.c));
    }
  }
  return evidence;
}
