import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { getPrisma } from "./client";

// Classes, their members and what an instructor needs to follow them. Join codes are 128 random
// bits (base64url, 22 characters): unguessable, and replaced — never reused — on revoke.

export type ClassSummary = {
  id: string;
  name: string;
  instructorId: string;
  instructorName: string;
  /** ISO dates (YYYY-MM-DD) or null. */
  startsOn: string | null;
  endsOn: string | null;
  tracks: string[];
  joinCode: string;
  members: number;
  createdAt: number;
};

type NewClass = {
  instructorId: string;
  name: string;
  startsOn: string | null;
  endsOn: string | null;
  tracks: string[];
};

/** A class member with what the class page needs to tell progress and who is stuck. */
type ClassMemberActivity = {
  userId: string;
  name: string;
  email: string;
  joinedAt: number;
  /** Latest lesson visit or exercise attempt anywhere; null when none. */
  lastActiveAt: number | null;
};

type MemberCompletion = { userId: string; lessonKey: string };

type MemberFailures = {
  userId: string;
  lessonKey: string;
  cellId: string;
  failures: number;
  passed: boolean;
};

function newJoinCode(): string {
  return randomBytes(16).toString("base64url");
}

const day = (value: Date | null) => (value ? value.toISOString().slice(0, 10) : null);
const asDate = (value: string | null) => (value ? new Date(`${value}T00:00:00Z`) : null);

const summarySelect = {
  id: true,
  name: true,
  instructorId: true,
  instructor: { select: { name: true } },
  startsOn: true,
  endsOn: true,
  tracks: true,
  joinCode: true,
  createdAt: true,
  _count: { select: { members: true } },
} as const;

type SummaryRow = {
  id: string;
  name: string;
  instructorId: string;
  instructor: { name: string };
  startsOn: Date | null;
  endsOn: Date | null;
  tracks: string[];
  joinCode: string;
  createdAt: Date;
  _count: { members: number };
};

function toSummary(row: SummaryRow): ClassSummary {
  return {
    id: row.id,
    name: row.name,
    instructorId: row.instructorId,
    instructorName: row.instructor.name,
    startsOn: day(row.startsOn),
    endsOn: day(row.endsOn),
    tracks: row.tracks,
    joinCode: row.joinCode,
    members: row._count.members,
    createdAt: row.createdAt.getTime(),
  };
}

export async function createClass(input: NewClass): Promise<ClassSummary> {
  const row = await getPrisma().courseClass.create({
    data: {
      id: randomUUID(),
      name: input.name,
      instructorId: input.instructorId,
      startsOn: asDate(input.startsOn),
      endsOn: asDate(input.endsOn),
      tracks: input.tracks,
      joinCode: newJoinCode(),
    },
    select: summarySelect,
  });
  return toSummary(row);
}

/** The classes an instructor teaches, or every class (`instructorId` null, for admins). */
export async function listClasses(instructorId: string | null): Promise<ClassSummary[]> {
  const rows = await getPrisma().courseClass.findMany({
    where: instructorId === null ? {} : { instructorId },
    select: summarySelect,
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
  });
  return rows.map(toSummary);
}

export async function findClass(id: string): Promise<ClassSummary | null> {
  const row = await getPrisma().courseClass.findUnique({ where: { id }, select: summarySelect });
  return row ? toSummary(row) : null;
}

export async function findClassByJoinCode(code: string): Promise<ClassSummary | null> {
  const row = await getPrisma().courseClass.findUnique({
    where: { joinCode: code },
    select: summarySelect,
  });
  return row ? toSummary(row) : null;
}

/** A new join code for the class (the old link stops working); null when there is no such class. */
export async function revokeJoinCode(classId: string): Promise<string | null> {
  const joinCode = newJoinCode();
  const updated = await getPrisma().courseClass.updateMany({
    where: { id: classId },
    data: { joinCode },
  });
  return updated.count === 1 ? joinCode : null;
}

/** Adds the learner to the class of this code: null for an unknown (or revoked) code. */
export async function joinClassByCode(
  code: string,
  userId: string,
): Promise<{ class: ClassSummary; alreadyMember: boolean } | null> {
  const found = await findClassByJoinCode(code);
  if (!found) return null;
  const inserted = await getPrisma().$executeRaw`
    INSERT INTO "class_member" ("classId", "userId") VALUES (${found.id}, ${userId})
    ON CONFLICT ("classId", "userId") DO NOTHING`;
  return { class: found, alreadyMember: inserted === 0 };
}

export async function isClassMember(classId: string, userId: string): Promise<boolean> {
  const row = await getPrisma().classMember.findUnique({
    where: { classId_userId: { classId, userId } },
    select: { userId: true },
  });
  return row !== null;
}

/** Whether the learner is in at least one of these classes. */
export async function isMemberOfAny(classIds: string[], userId: string): Promise<boolean> {
  if (classIds.length === 0) return false;
  const count = await getPrisma().classMember.count({
    where: { userId, classId: { in: classIds } },
  });
  return count > 0;
}

/** Members of a class with their latest activity (lesson visits and attempts, anywhere). */
export async function classMembers(classId: string): Promise<ClassMemberActivity[]> {
  return getPrisma().$queryRaw<ClassMemberActivity[]>`
    SELECT m."userId", u."name", u."email",
           (EXTRACT(EPOCH FROM m."joinedAt") * 1000)::float8 AS "joinedAt",
           (EXTRACT(EPOCH FROM greatest(
              (SELECT max(lp."lastVisitAt") FROM "lesson_progress" lp WHERE lp."userId" = m."userId"),
              (SELECT max(a."at") FROM "exercise_attempt" a WHERE a."userId" = m."userId"))) * 1000)::float8 AS "lastActiveAt"
    FROM "class_member" m JOIN "user" u ON u."id" = m."userId"
    WHERE m."classId" = ${classId}
    ORDER BY u."name", u."email"`;
}

/** Which of the given lessons each member of the class completed. */
export async function classCompletions(
  classId: string,
  lessonKeys: string[],
): Promise<MemberCompletion[]> {
  if (lessonKeys.length === 0) return [];
  return getPrisma().$queryRaw<MemberCompletion[]>`
    SELECT lp."userId", lp."lessonKey"
    FROM "class_member" m JOIN "lesson_progress" lp ON lp."userId" = m."userId"
    WHERE m."classId" = ${classId} AND lp."lessonKey" = ANY(${lessonKeys}::text[]) AND lp."completedAt" IS NOT NULL`;
}

/** Exercises of the given lessons a member of the class failed at least `minFailures` times. */
export async function classRepeatedFailures(
  classId: string,
  lessonKeys: string[],
  minFailures: number,
): Promise<MemberFailures[]> {
  if (lessonKeys.length === 0) return [];
  return getPrisma().$queryRaw<MemberFailures[]>`
    SELECT a."userId", a."lessonKey", a."cellId",
           (count(*) FILTER (WHERE NOT a.passed))::int AS failures, bool_or(a.passed) AS passed
    FROM "class_member" m JOIN "exercise_attempt" a ON a."userId" = m."userId"
    WHERE m."classId" = ${classId} AND a."lessonKey" = ANY(${lessonKeys}::text[])
    GROUP BY a."userId", a."lessonKey", a."cellId"
    HAVING count(*) FILTER (WHERE NOT a.passed) >= ${minFailures}
    ORDER BY a."userId", a."lessonKey", a."cellId"`;
}

/**
 * For the demo seed (scripts/seed-demo.ts): the class `id` taught by `instructorId`, following
 * `tracks`, with these members (kept when seeded again; the join code stays).
 */
export async function ensureSeedClass(
  id: string,
  name: string,
  instructorId: string,
  tracks: string[],
  memberIds: string[],
): Promise<void> {
  const prisma = getPrisma();
  await prisma.courseClass.upsert({
    where: { id },
    create: { id, name, instructorId, tracks, joinCode: newJoinCode() },
    update: { name, instructorId, tracks },
  });
  await prisma.$executeRaw`
    INSERT INTO "class_member" ("classId", "userId")
    SELECT ${id}, u FROM unnest(${memberIds}::text[]) AS u
    ON CONFLICT ("classId", "userId") DO NOTHING`;
}
