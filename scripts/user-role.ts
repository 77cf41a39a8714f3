/**
 * Changes a user's role without SQL:
 *   npm run user:role -- alice@example.com instructor
 * Uses DATABASE_URL, or the embedded database (.data/pglite, PGLITE_DATA_DIR) while the app is
 * stopped. Every change is recorded (actor "cli:<os user>") and listed on /admin/users.
 * Exit codes: 0 done (or nothing to change), 1 refused (no such user, last admin, database in
 * use), 2 wrong arguments.
 */
import os from "node:os";
import { userRoleCommand } from "@/lib/db/user-role-command";

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}

try {
  const result = await userRoleCommand(process.argv.slice(2), {
    osUser: osUser(),
    dataDir: process.env.PGLITE_DATA_DIR ?? ".data/pglite",
  });
  (result.code === 0 ? console.log : console.error)(result.message);
  process.exitCode = result.code;
} catch (error) {
  console.error(`user:role failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
