import "server-only";
import { z } from "zod";
import { describeRoleChange, roleSchema } from "@/lib/auth/role-change";
import { closeDb } from "./client";
import { EmbeddedDatabaseBusy } from "./embedded-lock";
import { applyMigrations } from "./migrate";
import { changeUserRole } from "./roles-repository";

// `npm run user:role -- <email> <learner|instructor|admin>` (scripts/user-role.ts): changes a
// role without SQL, against DATABASE_URL or — when it is unset — the embedded database, which
// only one process may open: while the app runs, this refuses and points at /admin/users.
// The change is recorded like the admin page's, with the actor "cli:<os user>".

const USAGE = "usage: npm run user:role -- <email> <learner|instructor|admin>";

const argsSchema = z.tuple([z.string().trim().toLowerCase().pipe(z.email()), roleSchema]);

type CommandResult = { code: 0 | 1 | 2; message: string };

export async function userRoleCommand(
  args: string[],
  options: { osUser: string; dataDir: string },
): Promise<CommandResult> {
  const parsed = argsSchema.safeParse(args);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => issue.message).join("; ");
    return { code: 2, message: `${reason}\n${USAGE}` };
  }
  const [email, role] = parsed.data;
  const change = async (): Promise<CommandResult> => {
    const outcome = await changeUserRole({ email }, role, {
      label: `cli:${options.osUser}`,
      userId: null,
    });
    const { ok, message } = describeRoleChange(outcome);
    return { code: ok ? 0 : 1, message };
  };

  const url = process.env.DATABASE_URL;
  if (url) {
    await applyMigrations(url);
    try {
      return await change();
    } finally {
      await closeDb();
    }
  }

  const { startEmbeddedDatabase } = await import("./embedded");
  let embedded: Awaited<ReturnType<typeof startEmbeddedDatabase>>;
  try {
    embedded = await startEmbeddedDatabase(options.dataDir);
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseBusy)) throw error;
    return {
      code: 1,
      message: `${error.message} While the app runs, an admin changes roles on /admin/users; or stop the app and run this again.`,
    };
  }
  process.env.DATABASE_URL = embedded.url;
  process.env.DATABASE_POOL_MAX = "1";
  try {
    return await change();
  } finally {
    await closeDb();
    await embedded.close();
    delete process.env.DATABASE_URL;
    delete process.env.DATABASE_POOL_MAX;
  }
}
