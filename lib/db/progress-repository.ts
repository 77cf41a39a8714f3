import "server-only";
import type { StoredCell as ServerCell, StoredLesson as ServerLesson } from "./progress-rows";
import { dbQuery, getPrisma, retryAfterLossOrConflict } from "./client";

// Progress storage for sync batches. A batch costs two statements (two database round trips,
// counted by sync-round-trips.test.ts), no transaction:
//   1. readBatchState: which mutation ids were seen, and the current rows the batch touches
//      (and, when asked, whether the request's session is still live);
//   2. commitBatch: ONE statement that writes every row guarded by the values read in step 1
//      (optimistic concurrency) and claims each mutation id with the row it wrote. If another
//      batch of the same learner changed a row in between, that row and its ids are left
//      alone and the caller re-reads and merges them again.
// Times are epoch milliseconds; columns are Prisma's TIMESTAMP(3) holding UTC.

export type CellKey = { lessonKey: string; cellId: string };
export type CellWrite = CellKey & { cell: ServerCell; expected: ServerCell | null };
export type AttemptWrite = {
  id: string;
  lessonKey: string;
  cellId: string;
  passed: boolean;
  at: number;
  durationMs: number;
  errorMessage: string | null;
};
export type LessonWrite = {
  lessonKey: string;
  lesson: ServerLesson;
  expected: ServerLesson | null;
};
export type BatchState = {
  /** Whether the session token given to readBatchState is live and the user's (false without one). */
  live: boolean;
  seen: Set<string>;
  cells: Map<string, ServerCell>;
  lessons: Map<string, ServerLesson>;
};
export type BatchCommit = { cells: CellWrite[]; attempts: AttemptWrite[]; lessons: LessonWrite[] };

export function cellMapKey(lessonKey: string, cellId: string): string {
  return `${lessonKey}\u0000${cellId}`;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const epochMs = (column: string) => `(EXTRACT(EPOCH FROM "${column}") * 1000)::bigint`;

type StateRow = { k: "live" | "seen" | "cell" | "lesson"; v: unknown };

function asObject(value: unknown): Record<string, unknown> {
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
}
const num = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);
const str = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);

export async function readBatchState(
  userId: string,
  ids: string[],
  cellKeys: CellKey[],
  lessonKeys: string[],
  sessionToken?: string,
): Promise<BatchState> {
  // 'live': the session check of a request whose owner was known (session-check.ts), in the
  // same round trip. TIMESTAMP(3) columns hold UTC.
  const rows = await dbQuery<StateRow>(
    `SELECT 'live' AS k, NULL::json AS v FROM "session"
       WHERE $6::text IS NOT NULL AND "token" = $6 AND "userId" = $1 AND "expiresAt" > (now() AT TIME ZONE 'UTC')
     UNION ALL
     SELECT 'seen', to_json("id"::text) FROM "sync_mutation" WHERE "userId" = $1 AND "id" = ANY($2::uuid[])
     UNION ALL
     SELECT 'cell', json_build_object('lessonKey', "lessonKey", 'cellId', "cellId", 'code', "code", 'version', "version",
              'lessonCodeHash', "lessonCodeHash", 'codeUpdatedAt', ${epochMs("codeUpdatedAt")}, 'lastRunStatus', "lastRunStatus",
              'lastRunAt', ${epochMs("lastRunAt")}, 'lastRunDurationMs', "lastRunDurationMs", 'lastRunError', "lastRunError")
       FROM "cell_state" WHERE "userId" = $1 AND ("lessonKey", "cellId") IN (SELECT * FROM unnest($3::text[], $4::text[]))
     UNION ALL
     SELECT 'lesson', json_build_object('lessonKey', "lessonKey", 'startedAt', ${epochMs("startedAt")}, 'completedAt', ${epochMs("completedAt")},
              'lastCellId', "lastCellId", 'lastVisitAt', ${epochMs("lastVisitAt")})
       FROM "lesson_progress" WHERE "userId" = $1 AND "lessonKey" = ANY($5::text[])`,
    [
      userId,
      ids,
      cellKeys.map((key) => key.lessonKey),
      cellKeys.map((key) => key.cellId),
      lessonKeys,
      sessionToken ?? null,
    ],
    "sync-read-batch-state",
  );
  const state: BatchState = { live: false, seen: new Set(), cells: new Map(), lessons: new Map() };
  for (const row of rows) {
    if (row.k === "live") {
      state.live = true;
    } else if (row.k === "seen") {
      state.seen.add(
        String(typeof row.v === "string" && row.v.startsWith('"') ? JSON.parse(row.v) : row.v),
      );
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
export async function deleteLessonCellsUpTo(
  userId: string,
  lessonKey: string,
  upTo: number,
): Promise<void> {
  await retryAfterLossOrConflict(() =>
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
const lessonRecord = (w: LessonWrite) => ({
  lk: w.lessonKey,
  sa: iso(w.lesson.startedAt),
  ca: iso(w.lesson.completedAt),
  lc: w.lesson.lastCellId,
  lv: iso(w.lesson.lastVisitAt),
});

/**
 * What a claimed mutation id stands for: the cell, attempt or lesson row it wrote, or nothing
 * (stale, ignored, undone by a reset in the same batch).
 */
export type ClaimEffect =
  | { id: string; kind: "cell"; lessonKey: string; cellId: string }
  | { id: string; kind: "attempt" }
  | { id: string; kind: "lesson"; lessonKey: string }
  | { id: string; kind: "none" };

export type CommitOutcome = {
  /** Every write and every claim landed. */
  complete: boolean;
  /** Mutation ids recorded as applied by this statement (all of them when complete). */
  claimed: string[];
  /** Cells this statement wrote. */
  cells: CellKey[];
};

/** Thrown by the sync service when a commit fell short: re-read and merge the rest again. */
export class BatchConflictError extends Error {
  constructor(readonly partial: CommitOutcome = { complete: false, claimed: [], cells: [] }) {
    super("progress rows changed concurrently");
  }
}

/** The commit's prepared-statement name (each execution sends it; the text only the first time). */
export const COMMIT_BATCH_STATEMENT = "sync-commit-batch";

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byCellKey = (a: CellKey, b: CellKey) =>
  compareKeys(a.lessonKey, b.lessonKey) || compareKeys(a.cellId, b.cellId);

/**
 * ONE statement, no transaction: every row is written guarded by the values read before
 * (optimistic concurrency), and a mutation id is claimed only together with the row it wrote —
 * ids without a row of their own only when everything landed. A concurrent batch of the same
 * learner that got to a row first makes that write (and its claims) do nothing; the caller
 * re-reads and merges the unclaimed rest, so nothing is half-applied and no error is raised on
 * the shared connection (which once cost the embedded database its only connection).
 */
export async function commitBatch(
  userId: string,
  commit: BatchCommit & { claims: ClaimEffect[] },
): Promise<CommitOutcome> {
  // Rows in key order: two batches of one learner then lock shared rows in the same order
  // (in a different order, each waited on a row the other held: a deadlock).
  const cellsInOrder = [...commit.cells].sort(byCellKey);
  const lessonsInOrder = [...commit.lessons].sort((a, b) => compareKeys(a.lessonKey, b.lessonKey));
  const updates = cellsInOrder.filter((w) => w.expected !== null);
  const inserts = cellsInOrder.filter((w) => w.expected === null);
  const lessonUpdates = lessonsInOrder.filter((w) => w.expected !== null);
  const lessonInserts = lessonsInOrder.filter((w) => w.expected === null);
  const params: unknown[] = [
    userId, // $1
    JSON.stringify(
      [...commit.claims]
        .sort((a, b) => compareKeys(a.id, b.id))
        .map((c) => ({
          id: c.id,
          k: c.kind,
          lk: "lessonKey" in c ? c.lessonKey : null,
          cid: "cellId" in c ? c.cellId : null,
        })),
    ), // $2
    JSON.stringify(
      updates.map((w) => ({
        ...cellRecord(w),
        ev: w.expected?.version ?? 0,
        ecu: iso(w.expected?.codeUpdatedAt ?? null),
        era: iso(w.expected?.lastRunAt ?? null),
      })),
    ), // $3
    JSON.stringify(inserts.map(cellRecord)), // $4
    JSON.stringify(
      [...commit.attempts]
        .sort((a, b) => compareKeys(a.id, b.id))
        .map((a) => ({
          id: a.id,
          lk: a.lessonKey,
          cid: a.cellId,
          passed: a.passed,
          at: iso(a.at),
          dur: a.durationMs,
          err: a.errorMessage,
        })),
    ), // $5
    JSON.stringify(
      lessonUpdates.map((w) => ({
        ...lessonRecord(w),
        esa: iso(w.expected?.startedAt ?? null),
        eca: iso(w.expected?.completedAt ?? null),
        elv: iso(w.expected?.lastVisitAt ?? null),
      })),
    ), // $6
    JSON.stringify(lessonInserts.map(lessonRecord)), // $7
    commit.cells.length, // $8
    commit.attempts.length, // $9
    commit.lessons.length, // $10
  ];
  const now = `now() AT TIME ZONE 'UTC'`;
  // The claims read the other parts' RETURNING rows, so they run after them; all parts share
  // one snapshot, and a write that lost a race (guard no longer true, key taken) returns nothing.
  // A statement is atomic, so running it again after a lost connection is safe: if the first
  // one committed, every guard fails and the caller finds its ids already claimed.
  const [row] = await retryAfterLossOrConflict(() =>
    dbQuery<{
      cells: { lk: string; cid: string }[];
      attempts: number;
      lessons: number;
      claimed: string[];
    }>(
      `WITH
       updated AS (
         UPDATE "cell_state" AS c SET ("code", "version", "lessonCodeHash", "codeUpdatedAt", "lastRunStatus", "lastRunAt", "lastRunDurationMs", "lastRunError", "updatedAt")
           = (t.code, t.version, t.hash, t.cu, t.rs, t.ra, t.rd, t.re, ${now})
         FROM jsonb_to_recordset($3::jsonb) AS t(${CELL_RECORD}, ev int, ecu timestamp, era timestamp)
         WHERE c."userId" = $1 AND c."lessonKey" = t.lk AND c."cellId" = t.cid AND c."version" = t.ev
           AND c."codeUpdatedAt" IS NOT DISTINCT FROM t.ecu AND c."lastRunAt" IS NOT DISTINCT FROM t.era
         RETURNING c."lessonKey" AS lk, c."cellId" AS cid),
       inserted AS (
         INSERT INTO "cell_state" ("userId", "lessonKey", "cellId", ${CELL_COLUMNS}, "updatedAt")
         SELECT $1, t.lk, t.cid, t.code, t.version, t.hash, t.cu, t.rs, t.ra, t.rd, t.re, ${now}
         FROM jsonb_to_recordset($4::jsonb) AS t(${CELL_RECORD})
         ON CONFLICT ("userId", "lessonKey", "cellId") DO NOTHING RETURNING "lessonKey" AS lk, "cellId" AS cid),
       attempts AS (
         INSERT INTO "exercise_attempt" ("userId", "id", "lessonKey", "cellId", "passed", "at", "durationMs", "errorMessage")
         SELECT $1, t.id, t.lk, t.cid, t.passed, t.at, t.dur, t.err
         FROM jsonb_to_recordset($5::jsonb) AS t(id uuid, lk text, cid text, passed boolean, at timestamp, dur int, err text)
         ON CONFLICT ("userId", "id") DO NOTHING RETURNING "id"),
       lessons_updated AS (
         UPDATE "lesson_progress" AS l SET ("startedAt", "completedAt", "lastCellId", "lastVisitAt", "updatedAt")
           = (t.sa, t.ca, t.lc, t.lv, ${now})
         FROM jsonb_to_recordset($6::jsonb) AS t(${LESSON_RECORD}, esa timestamp, eca timestamp, elv timestamp)
         WHERE l."userId" = $1 AND l."lessonKey" = t.lk AND l."startedAt" = t.esa
           AND l."completedAt" IS NOT DISTINCT FROM t.eca AND l."lastVisitAt" = t.elv
         RETURNING l."lessonKey" AS lk),
       lessons_inserted AS (
         INSERT INTO "lesson_progress" ("userId", "lessonKey", "startedAt", "completedAt", "lastCellId", "lastVisitAt", "updatedAt")
         SELECT $1, t.lk, t.sa, t.ca, t.lc, t.lv, ${now}
         FROM jsonb_to_recordset($7::jsonb) AS t(${LESSON_RECORD})
         ON CONFLICT ("userId", "lessonKey") DO NOTHING RETURNING "lessonKey" AS lk),
       cells_written AS (SELECT lk, cid FROM updated UNION ALL SELECT lk, cid FROM inserted),
       lessons_written AS (SELECT lk FROM lessons_updated UNION ALL SELECT lk FROM lessons_inserted),
       all_written AS (
         SELECT (SELECT count(*) FROM cells_written) = $8::int AND (SELECT count(*) FROM attempts) = $9::int
            AND (SELECT count(*) FROM lessons_written) = $10::int AS ok),
       claimed AS (
         INSERT INTO "sync_mutation" ("userId", "id")
         SELECT $1, t.id FROM jsonb_to_recordset($2::jsonb) AS t(id uuid, k text, lk text, cid text)
         WHERE CASE t.k
           WHEN 'cell' THEN EXISTS (SELECT 1 FROM cells_written w WHERE w.lk = t.lk AND w.cid = t.cid)
           WHEN 'attempt' THEN EXISTS (SELECT 1 FROM attempts a WHERE a."id" = t.id)
           WHEN 'lesson' THEN EXISTS (SELECT 1 FROM lessons_written w WHERE w.lk = t.lk)
           ELSE (SELECT ok FROM all_written) END
         ON CONFLICT ("userId", "id") DO NOTHING RETURNING "id")
       SELECT COALESCE((SELECT json_agg(json_build_object('lk', lk, 'cid', cid)) FROM cells_written), '[]') AS cells,
              (SELECT count(*) FROM attempts)::int AS attempts, (SELECT count(*) FROM lessons_written)::int AS lessons,
              COALESCE((SELECT json_agg("id"::text) FROM claimed), '[]') AS claimed`,
      params,
      COMMIT_BATCH_STATEMENT,
    ),
  );
  const claimed = row?.claimed ?? [];
  const cells = (row?.cells ?? []).map((c) => ({ lessonKey: c.lk, cellId: c.cid }));
  const complete =
    cells.length === commit.cells.length &&
    row?.attempts === commit.attempts.length &&
    row?.lessons === commit.lessons.length &&
    claimed.length === commit.claims.length;
  return { complete, claimed, cells };
}

/**
 * Forgets applied mutation ids older than `olderThanMs`. Ids only need to outlive the longest
 * time a browser might hold an unacknowledged batch; the start-up prunes at 180 days.
 */
export async function pruneSyncMutations(olderThanMs: number): Promise<number> {
  return getPrisma().$executeRawUnsafe(
    `DELETE FROM "sync_mutation" WHERE "appliedAt" < $1::timestamp`,
    iso(Date.now() - olderThanMs),
  );
}

// ---- exercise verdicts and completion evidence (lib/progress/verdicts.ts, server.ts) ----

export type ServerAttemptWrite = {
  id: string;
  lessonKey: string;
  cellId: string;
  passed: boolean;
  at: number;
  durationMs: number;
  errorMessage: string | null;
};

/** Stores a verdict the server computed itself (Cypher, Rust checks): `verification = server`. */
export async function insertServerAttempt(
  userId: string,
  attempt: ServerAttemptWrite,
): Promise<void> {
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

export type StoredCompletionEvidence = {
  passes: Map<string, Map<string, Set<string>>>;
  runOk: Map<string, Set<string>>;
};

/**
 * For the lessons a batch wants to mark completed: which exercises have passing attempts (and
 * who vouched for them) and which cells last ran without an error. One statement; only batches
 * with a `complete` event pay for it.
 */
export async function readCompletionEvidence(
  userId: string,
  lessonKeys: string[],
): Promise<StoredCompletionEvidence> {
  const rows = await getPrisma().$queryRawUnsafe<
    { k: "pass" | "ok"; l: string; c: string; v: string | null }[]
  >(
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
