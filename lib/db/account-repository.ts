import "server-only";
import { getPrisma } from "./client";
import { isOnlyAdmin } from "./roles-repository";

// A learner's own account: what they may see of it (sessions, an export of their rows) and its
// deletion. Every query is scoped by the caller's user id; results are plain DTOs.

type AccountSession = {
  id: string;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
};

export type AccountExport = {
  user: {
    id: string;
    name: string;
    email: string;
    emailVerified: boolean;
    role: string;
    createdAt: string;
    updatedAt: string;
  };
  cellStates: {
    lessonKey: string;
    cellId: string;
    code: string | null;
    version: number;
    lessonCodeHash: string | null;
    codeUpdatedAt: string | null;
    lastRunStatus: string | null;
    lastRunAt: string | null;
    lastRunDurationMs: number | null;
    lastRunError: string | null;
    updatedAt: string;
  }[];
  exerciseAttempts: {
    id: string;
    lessonKey: string;
    cellId: string;
    passed: boolean;
    at: string;
    durationMs: number;
    errorMessage: string | null;
    verification: string;
  }[];
  lessonProgress: {
    lessonKey: string;
    startedAt: string;
    completedAt: string | null;
    lastCellId: string | null;
    lastVisitAt: string;
    updatedAt: string;
  }[];
};

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

/** The user's sessions (devices), most recently used first. */
export async function listUserSessions(userId: string): Promise<AccountSession[]> {
  const rows = await getPrisma().session.findMany({
    where: { userId, expiresAt: { gt: new Date() } },
    select: { id: true, userAgent: true, createdAt: true, updatedAt: true },
    orderBy: { updatedAt: "desc" },
  });
  return rows.map((row) => ({
    id: row.id,
    userAgent: row.userAgent,
    createdAt: iso(row.createdAt),
    lastSeenAt: iso(row.updatedAt),
  }));
}

/** Ends one of the user's sessions; false when it is not theirs or already gone. */
export async function deleteUserSession(userId: string, sessionId: string): Promise<boolean> {
  const { count } = await getPrisma().session.deleteMany({ where: { id: sessionId, userId } });
  return count > 0;
}

/** Everything stored about the user's learning, and the user record without secrets; null if gone. */
export async function exportUserData(userId: string): Promise<AccountExport | null> {
  const prisma = getPrisma();
  const [user, cellStates, exerciseAttempts, lessonProgress] = await prisma.$transaction([
    prisma.user.findUnique({
      where: { id: userId },
      select: {
        id: true,
        name: true,
        email: true,
        emailVerified: true,
        role: true,
        createdAt: true,
        updatedAt: true,
      },
    }),
    prisma.cellState.findMany({
      where: { userId },
      orderBy: [{ lessonKey: "asc" }, { cellId: "asc" }],
      select: {
        lessonKey: true,
        cellId: true,
        code: true,
        version: true,
        lessonCodeHash: true,
        codeUpdatedAt: true,
        lastRunStatus: true,
        lastRunAt: true,
        lastRunDurationMs: true,
        lastRunError: true,
        updatedAt: true,
      },
    }),
    prisma.exerciseAttempt.findMany({
      where: { userId },
      orderBy: [{ at: "asc" }, { id: "asc" }],
      select: {
        id: true,
        lessonKey: true,
        cellId: true,
        passed: true,
        at: true,
        durationMs: true,
        errorMessage: true,
        verification: true,
      },
    }),
    prisma.lessonProgress.findMany({
      where: { userId },
      orderBy: { lessonKey: "asc" },
      select: {
        lessonKey: true,
        startedAt: true,
        completedAt: true,
        lastCellId: true,
        lastVisitAt: true,
        updatedAt: true,
      },
    }),
  ]);
  if (!user) return null;
  return {
    user: { ...user, createdAt: iso(user.createdAt), updatedAt: iso(user.updatedAt) },
    cellStates: cellStates.map((row) => ({
      ...row,
      codeUpdatedAt: isoOrNull(row.codeUpdatedAt),
      lastRunAt: isoOrNull(row.lastRunAt),
      updatedAt: iso(row.updatedAt),
    })),
    exerciseAttempts: exerciseAttempts.map((row) => ({
      ...row,
      at: iso(row.at),
      verification: row.verification === "self_reported" ? "self-reported" : row.verification,
    })),
    lessonProgress: lessonProgress.map((row) => ({
      ...row,
      startedAt: iso(row.startedAt),
      completedAt: isoOrNull(row.completedAt),
      lastVisitAt: iso(row.lastVisitAt),
      updatedAt: iso(row.updatedAt),
    })),
  };
}

/** Verification rows that name the user (password-reset tokens and their state records). */
const userVerificationRows = (userId: string) => ({
  OR: [
    { value: userId },
    { identifier: { startsWith: RESET_STATE_PREFIX }, value: { endsWith: `:${userId}` } },
  ],
});

/** What the role audit says instead of a deleted account's e-mail (who did it, to whom). */
const DELETED_ACCOUNT_LABEL = "deleted account";

/**
 * Removes the user and every row of theirs. Sessions, accounts (password hashes), cell states,
 * attempts, lesson progress and applied sync ids go by the schema's ON DELETE CASCADE; reset
 * tokens live in `verification`, which has no foreign key, so they are deleted here explicitly.
 * The role audit keeps its rows (a change happened, from and to which role, when), but its
 * copies of the e-mail — as target, or as the admin who made the change — become a label; the
 * ids there go to null by ON DELETE SET NULL.
 * One transaction: either all of it goes or nothing does. "gone" when the user was already gone;
 * "last-admin" (nothing deleted) for the only admin.
 */
export async function deleteUserAndData(
  userId: string,
): Promise<"deleted" | "gone" | "last-admin"> {
  return getPrisma().$transaction(async (tx) => {
    // Locked first: a role change in flight (it writes role_change rows referencing this user)
    // waits for this deletion and then fails, so no row with the e-mail can slip in after the
    // redaction below.
    const [user] = await tx.$queryRaw<{ email: string; role: string }[]>`
      SELECT "email", "role"::text AS "role" FROM "user" WHERE "id" = ${userId} FOR UPDATE`;
    if (!user) return "gone";
    // The last admin stays (as demoting them is refused): nobody could make a new one but the CLI.
    if (user.role === "admin" && (await isOnlyAdmin(tx))) return "last-admin";
    await tx.roleChange.updateMany({
      where: { OR: [{ targetUserId: userId }, { targetEmail: user.email }] },
      data: { targetEmail: DELETED_ACCOUNT_LABEL },
    });
    await tx.roleChange.updateMany({
      where: { OR: [{ actorUserId: userId }, { actor: user.email }] },
      data: { actor: DELETED_ACCOUNT_LABEL },
    });
    await tx.verification.deleteMany({ where: userVerificationRows(userId) });
    const deleted = await tx.user.deleteMany({ where: { id: userId } });
    return deleted.count > 0 ? "deleted" : "gone";
  });
}

// ---- password-reset token state ----
// better-auth deletes a reset token when it is used and sweeps expired ones, so "used",
// "expired" and "never existed" would all look alike. A second row per token, keyed by the
// token's SHA-256 (never the token), remembers which it was for a week.

const RESET_STATE_PREFIX = "reset-password-state:";
const RESET_STATE_DAYS = 7;

type ResetTokenRecord = "issued" | "used";

export async function recordResetToken(
  tokenHash: string,
  userId: string,
  state: ResetTokenRecord,
): Promise<void> {
  const prisma = getPrisma();
  const identifier = `${RESET_STATE_PREFIX}${tokenHash}`;
  const value = `${state}:${userId}`;
  const expiresAt = new Date(Date.now() + RESET_STATE_DAYS * 24 * 60 * 60 * 1000);
  const { count } = await prisma.verification.updateMany({
    where: { identifier },
    data: { value, expiresAt },
  });
  if (count === 0)
    await prisma.verification.create({
      data: { id: `rps_${tokenHash.slice(0, 40)}`, identifier, value, expiresAt },
      select: { id: true },
    });
}

export async function findResetTokenRecord(tokenHash: string): Promise<ResetTokenRecord | null> {
  const row = await getPrisma().verification.findFirst({
    where: { identifier: `${RESET_STATE_PREFIX}${tokenHash}` },
    select: { value: true },
  });
  if (!row) return null;
  return row.value.startsWith("used:") ? "used" : "issued";
}

/** Whether the user still exists (a request that began before its account was deleted). */
export async function userExists(userId: string): Promise<boolean> {
  return (await getPrisma().user.count({ where: { id: userId } })) > 0;
}
