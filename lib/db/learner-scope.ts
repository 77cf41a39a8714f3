import "server-only";
import { Prisma } from "./generated/client";

// Whose progress an analytics question covers: everyone (admins), or the members of some
// classes (an instructor sees only learners of their own classes). An empty class list covers
// nobody — an instructor without a class sees no learner, never everyone.

export type LearnerScope = { kind: "all" } | { kind: "classes"; classIds: string[] };

export const ALL_LEARNERS: LearnerScope = { kind: "all" };

/**
 * `AND <userColumn> IN (learners)`, and for classes `AND … IN (members of the scope's classes)`. The column is
 * a constant written in the repository (e.g. `lp."userId"`), never a value from a request; the
 * class ids are bound parameters.
 */
export function learnerScopeCondition(scope: LearnerScope, userColumn: string): Prisma.Sql {
  // Learners only, in every scope: instructors' and admins' own runs, attempts and progress
  // (trying lessons in the preview) are never learner data.
  const learners = Prisma.sql` AND ${Prisma.raw(userColumn)} IN (SELECT u.id FROM "user" u WHERE u.role = 'learner')`;
  if (scope.kind === "all") return learners;
  return Prisma.sql`${learners} AND ${Prisma.raw(userColumn)} IN (SELECT cm."userId" FROM "class_member" cm WHERE cm."classId" = ANY(${scope.classIds}::text[]))`;
}
