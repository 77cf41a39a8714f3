import "server-only";
import { randomUUID } from "node:crypto";
import type { Role } from "@/lib/auth/session";
import { roleSchema } from "@/lib/auth/role-change";
import { getPrisma } from "./client";

// Roles and their audit: every change writes a role_change row in the same transaction, and the
// last admin cannot be demoted (the admin rows are locked first, so two admins demoting each
// other at the same moment cannot both succeed).

type RoleActor = {
  /** "cli:<os user>" for the command line, the admin's e-mail for the admin page. */
  label: string;
  /** The admin's user id; null for the command line. */
  userId: string | null;
};

type RoleChangeResult =
  | { status: "changed" | "unchanged"; userId: string; email: string; from: Role; to: Role }
  | { status: "no-such-user"; email: string | null }
  | { status: "last-admin"; email: string };

type UserListEntry = {
  id: string;
  name: string;
  email: string;
  role: Role;
  createdAt: number;
};

type RoleChangeEntry = {
  id: string;
  actor: string;
  targetEmail: string;
  from: Role;
  to: Role;
  at: number;
};

type Transaction = Parameters<Parameters<ReturnType<typeof getPrisma>["$transaction"]>[0]>[0];

/**
 * Inside a transaction about to take an admin away (a demotion, a deletion): whether that admin is
 * the only one. The admin rows stay locked until the transaction ends, so two admins leaving at
 * the same moment cannot both go.
 */
export async function isOnlyAdmin(tx: Transaction): Promise<boolean> {
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "user" WHERE "role" = 'admin' ORDER BY "id" FOR UPDATE`;
  return admins.length <= 1;
}

/** Sets the role of the user with this id (or, failing that, e-mail) and records who did it. */
export async function changeUserRole(
  target: { userId: string } | { email: string },
  to: Role,
  actor: RoleActor,
): Promise<RoleChangeResult> {
  return getPrisma().$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: "userId" in target ? { id: target.userId } : { email: target.email },
      select: { id: true, email: true, role: true },
    });
    if (!user) return { status: "no-such-user", email: "email" in target ? target.email : null };
    const from: Role = user.role;
    if (from === to)
      return { status: "unchanged", userId: user.id, email: user.email, from, to } as const;
    if (from === "admin" && (await isOnlyAdmin(tx)))
      return { status: "last-admin", email: user.email } as const;
    await tx.user.update({ where: { id: user.id }, data: { role: to } });
    await tx.roleChange.create({
      data: {
        id: randomUUID(),
        actor: actor.label.slice(0, 200),
        actorUserId: actor.userId,
        targetUserId: user.id,
        targetEmail: user.email,
        fromRole: from,
        toRole: to,
      },
    });
    return { status: "changed", userId: user.id, email: user.email, from, to } as const;
  });
}

/** Users whose e-mail contains `search` (case-insensitive, taken literally), newest first. */
export async function searchUsers(search: string, limit = 50): Promise<UserListEntry[]> {
  const take = Math.max(1, Math.min(200, Math.trunc(limit)));
  // Prisma's `contains` passes % and _ through as wildcards; escape them to match literally.
  const pattern = `%${search.replace(/[%_\\]/g, "\\$&")}%`;
  const rows = await getPrisma().$queryRaw<(Omit<UserListEntry, "role"> & { role: string })[]>`
    SELECT "id", "name", "email", "role"::text AS "role",
           (EXTRACT(EPOCH FROM "createdAt") * 1000)::float8 AS "createdAt"
    FROM "user" WHERE "email" ILIKE ${pattern}
    ORDER BY "createdAt" DESC, "id" LIMIT ${take}`;
  return rows.map((row) => ({ ...row, role: roleSchema.parse(row.role) }));
}

/** The latest role changes, newest first. */
export async function recentRoleChanges(limit = 30): Promise<RoleChangeEntry[]> {
  const rows = await getPrisma().roleChange.findMany({
    select: {
      id: true,
      actor: true,
      targetEmail: true,
      fromRole: true,
      toRole: true,
      at: true,
    },
    orderBy: [{ at: "desc" }, { id: "asc" }],
    take: Math.max(1, Math.min(200, Math.trunc(limit))),
  });
  return rows.map((row) => ({
    id: row.id,
    actor: row.actor,
    targetEmail: row.targetEmail,
    from: row.fromRole,
    to: row.toRole,
    at: row.at.getTime(),
  }));
}
