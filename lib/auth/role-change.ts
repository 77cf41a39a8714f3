import { z } from "zod";
import type { Role } from "./session";

// What a role change says back, the same words for the admin page and `npm run user:role`.

const ROLES = ["learner", "instructor", "admin"] as const satisfies readonly Role[];
export const roleSchema = z.enum(ROLES, { message: "role is learner, instructor or admin" });

type RoleChangeOutcome =
  | { status: "changed" | "unchanged"; email: string; from: Role; to: Role }
  | { status: "no-such-user"; email: string | null }
  | { status: "last-admin"; email: string };

/** One sentence for people, and whether it is a refusal. */
export function describeRoleChange(outcome: RoleChangeOutcome): { ok: boolean; message: string } {
  switch (outcome.status) {
    case "changed":
      return { ok: true, message: `${outcome.email} is now ${outcome.to} (was ${outcome.from}).` };
    case "unchanged":
      return { ok: true, message: `${outcome.email} is already ${outcome.to}; nothing changed.` };
    case "no-such-user":
      return {
        ok: false,
        message: outcome.email
          ? `No account has the e-mail ${outcome.email}; the person must sign up first.`
          : "That account no longer exists.",
      };
    case "last-admin":
      return {
        ok: false,
        message: `${outcome.email} is the last admin: make someone else admin first, so the site keeps one.`,
      };
  }
}
