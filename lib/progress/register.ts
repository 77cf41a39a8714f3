import { assertAuthConfig } from "@/lib/auth/auth";
import { pruneSyncMutations } from "@/lib/db/progress-repository";
import { prepareDatabase, type DatabaseStartup } from "@/lib/db/startup";

const KEEP_MUTATION_IDS_MS = 180 * 24 * 60 * 60 * 1000;

/**
 * Server start-up for accounts and progress, from instrumentation.ts register() (Node runtime):
 * fails fast on a missing AUTH_SECRET in production, then starts the embedded database (no
 * DATABASE_URL) or applies pending migrations to the configured one.
 */
export async function registerProgressServices(): Promise<DatabaseStartup> {
  assertAuthConfig();
  const startup = await prepareDatabase();
  const applied = startup.applied.length ? `, applied ${startup.applied.join(", ")}` : "";
  console.log(
    `[db] ${startup.embedded ? `embedded PGlite at ${startup.url}` : "using DATABASE_URL"}${applied}`,
  );
  // Housekeeping in the background: start-up must not wait for it, nor fail because of it.
  void pruneSyncMutations(KEEP_MUTATION_IDS_MS).catch((error) =>
    console.error(
      `[db] pruning sync ids failed: ${error instanceof Error ? error.message : error}`,
    ),
  );
  return startup;
}
